/**
 * The system speed benchmark: fan-out against a scripted backend process of latency L and
 * concurrency C (measured at the server), loop overhead per iteration, a completion's fixed cost,
 * context size scaling with the process tree's peak memory, and depth-2 trees. `main.ts` runs them
 * and prints the table of targets.
 */
export { measureContext } from "./context-scaling.js";
export { measureDepth } from "./depth.js";
export { measureFanOut } from "./fan-out.js";
export { measureFixedCost, measureLoop } from "./loop-overhead.js";
export { runSystemBench } from "./main.js";
export { treeRss, watchPeak } from "./process-memory.js";
export { startTimedBackend } from "./timed-backend.js";
