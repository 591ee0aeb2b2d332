/**
 * Loop overhead and a completion's fixed cost, with a zero-latency root that runs trivial code.
 * Per-iteration overhead, measured at the server: how long it waits on the client between writing
 * one root reply in full and the arrival of the next root request, averaged (everything the client
 * does in a turn: reading the reply, running the code, building and sending the next request); also
 * against the model time seen by the client (the HTTP round trip counted as model time). Fixed
 * cost, sandbox warm: from `completion()` to the first root request's arrival plus from the last
 * reply written to the return.
 */

import { RLM } from "../../src/rlm/index.js";
import type { RlmEvent } from "../../src/trace/types.js";
import { clock, median, startTimedBackend, steadyState } from "./timed-backend.js";

export interface LoopRun {
  iterations: number;
  /** (wall between the first and last root requests' arrivals − the server's time on them) / iterations. */
  overheadMs: number;
  /** The same against the model time the client saw (HTTP round trip included in model time). */
  overheadClientMs: number;
  /** Mean time of one trivial code block in the sandbox, as the engine reported it. */
  execMs: number;
}

export interface LoopResult {
  /** The process's first completion: code not yet optimized by the JIT, connections not yet open. */
  cold: LoopRun;
  /** The median (by overhead) of `steadyRuns` completions after the cold one and 4 warm-up ones. */
  steady: LoopRun;
  steadyRuns: number;
  /** The overhead (ms per iteration) of the warm-up and the steady completions, in the order they ran. */
  runs: number[];
}

export interface FixedCostResult {
  /** Median over the measured completions. */
  fixedMs: number;
  startToFirstCallMs: number;
  lastReplyToReturnMs: number;
  samples: number;
}

function trivialTurns(turns: number): string[] {
  return [...Array.from({ length: turns }, () => "```repl\nx = 1\n```"), "FINAL(done)"];
}

/** Completions after the cold one and before the measured ones. */
const WARM_UP_RUNS = 4;

/**
 * Completions of `turns` trivial turns, each with its sandbox started beforehand by `warm()` (the
 * sandbox's start is the fixed cost's business, not the loop's).
 */
export async function measureLoop(turns: number, steadyRuns = 5): Promise<LoopResult> {
  const backend = await startTimedBackend({ rootReplies: trivialTurns(turns) });
  const replyAt: number[] = [];
  const startAt: number[] = [];
  const execTimes: number[] = [];
  const onEvent = (event: RlmEvent) => {
    if (event.depth !== 0) return;
    if (event.type === "iteration-start") startAt.push(clock());
    if (event.type === "model-reply") replyAt.push(clock());
    if (event.type === "code-end") execTimes.push(event.elapsedMs);
  };
  const rlm = new RLM({ model: backend.spec("root"), limits: { maxIterations: turns + 5 }, onEvent });
  const run = async (): Promise<LoopRun> => {
    await rlm.warm();
    await backend.timings(true);
    for (const list of [replyAt, startAt, execTimes]) list.splice(0);
    await rlm.completion("a small context", "Loop.");
    const roots = (await backend.timings()).timings.sort((left, right) => left.start - right.start);
    const measured = roots.length - 1;
    const between = roots.at(-1)!.start - roots[0]!.start;
    const serverTime = roots.slice(0, -1).reduce((sum, timing) => sum + timing.end - timing.start, 0);
    const clientModel = replyAt.slice(0, measured).reduce((sum, at, index) => sum + at - startAt[index]!, 0);
    return {
      iterations: measured,
      overheadMs: (between - serverTime) / measured,
      overheadClientMs: (between - clientModel) / measured,
      execMs: execTimes.reduce((sum, value) => sum + value, 0) / Math.max(1, execTimes.length),
    };
  };
  try {
    const cold = await run();
    // Measured: about 2 ms a turn in the second to fourth completions, 1.1-1.5 ms from the sixth on.
    const steady = await steadyState(run, WARM_UP_RUNS, steadyRuns, (loop) => loop.overheadMs);
    return { cold, steady: steady.median, steadyRuns, runs: steady.keys };
  } finally {
    await rlm.close();
    await backend.close();
  }
}

/** Fixed cost of the completions `run` makes, timed against the server's first and last root calls. */
async function timeFixed(
  backend: Awaited<ReturnType<typeof startTimedBackend>>,
  samples: number,
  /** Runs one completion; returns the clock when the completion (not its preparation) started. */
  run: (index: number) => Promise<number>,
): Promise<FixedCostResult> {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let index = 0; index <= samples; index++) {
    await backend.timings(true);
    const started = await run(index);
    const returned = clock();
    // The first run is the warm-up (code paths compiled, connections open), not a sample.
    if (index === 0) continue;
    const roots = (await backend.timings()).timings;
    starts.push(roots[0]!.start - started);
    ends.push(returned - roots.at(-1)!.end);
  }
  const totals = starts.map((start, index) => start + ends[index]!);
  return {
    fixedMs: median(totals),
    startToFirstCallMs: median(starts),
    lastReplyToReturnMs: median(ends),
    samples,
  };
}

/**
 * `oneShot`: `completion()` on an RLM whose sandbox was started beforehand with `warm()` (the
 * sandbox is still closed inside the completion, which counts). `session`: a query in a session
 * whose REPL is already running.
 */
export async function measureFixedCost(
  samples: number,
): Promise<{ oneShot: FixedCostResult; session: FixedCostResult }> {
  const backend = await startTimedBackend({
    rootReplies: ["```repl\nprint(len(context))\n```", "FINAL(done)"],
  });
  try {
    const rlm = new RLM({ model: backend.spec("root") });
    const oneShot = await timeFixed(backend, samples, async (index) => {
      await rlm.warm();
      const started = clock();
      await rlm.completion(`context number ${index}`, `Query ${index}.`);
      return started;
    });
    const session = rlm.session();
    try {
      const inSession = await timeFixed(backend, samples, async (index) => {
        const started = clock();
        await session.completion(`context number ${index}`, `Query ${index}.`);
        return started;
      });
      return { oneShot, session: inSession };
    } finally {
      await session.close();
      await rlm.close();
    }
  } finally {
    await backend.close();
  }
}
