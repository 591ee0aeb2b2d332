/**
 * The task benchmark runner: parses `npm run bench` options, starts the simulated backend when no
 * model is given, answers every generated question with an RLM (and the direct baseline when
 * asked), prints one table per task and saves the `rlm-bench/1` report with the trajectories.
 */
export { parseCommand } from "./cli.js";
export { contextAsText, directPrompt, runDirect } from "./direct.js";
export { simulatedFailures, taskTables } from "./report.js";
export { createBenchRlm, runRlm } from "./run-rlm.js";
export { machine, runTasks } from "./run-tasks.js";
export {
  SIMULATED_CONTEXT_WINDOW,
  type SimulatedBackend,
  startSimulatedBackend,
} from "./simulated-backend.js";
export * from "./types.js";
