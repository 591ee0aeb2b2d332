/**
 * Fan-out efficiency: one `llm_query_batched` of N prompts from the REPL against a backend of
 * latency L, at concurrency C. Measured at the server: from the first sub-call's arrival to the
 * last one's reply, over the physical bound ceil(N/C)·L. Also the pool alone (no sandbox) and a
 * bare keep-alive agent, to tell the sandbox bridge's share from the client's and the HTTP floor.
 * Each path runs more than once: the first batch is cold (new connections, a backend and JIT seeing
 * traffic for the first time) and is reported apart; the target is judged on the steady state: the
 * median of `steadyRuns` batches through the REPL after 2 warm-up ones (the JIT keeps optimizing
 * over the first few: measured 1.09-1.10 in the second batch, 1.04-1.06 from the fifth on).
 */

import { Agent, request as httpRequest } from "node:http";
import { createModelPool } from "../../src/models/pool/create-model-pool.js";
import { RLM } from "../../src/rlm/index.js";
import type { ServerTiming } from "./backend-process.js";
import { startTimedBackend, steadyState } from "./timed-backend.js";

export interface FanOutResult {
  calls: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  serverWallMs: number;
  ratio: number;
  maxInFlight: number;
  /** Steady batches that did not end in an answer. */
  errors: number;
  /** Batches through the REPL after the cold one; the ratio is their median. */
  steadyRuns: number;
  /** The ratio of each batch after the cold one (warm-up ones first), in the order they ran. */
  runs: number[];
  /** The first, cold batch through the REPL (connections opened, code not yet optimized). */
  coldRatio: number;
  poolOnlyRatio: number;
  /** The same calls with a bare node `http.Agent` (keep-alive, C sockets): the HTTP floor. */
  bareAgentRatio: number;
}

/** N chat requests over a bare keep-alive agent with C sockets: the floor any client can reach. */
async function bareAgentCalls(url: string, calls: number, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${url}/v1/chat/completions`);
  const call = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ model: "sub", messages: [{ role: "user", content: `item ${index}` }] });
      const request = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (response) => {
          response.resume();
          response.on("end", resolve);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  await Promise.all(Array.from({ length: calls }, (_, index) => call(index)));
  agent.destroy();
}

function span(timings: ServerTiming[]): number {
  const subs = timings.filter((timing) => timing.model === "sub");
  return Math.max(...subs.map((timing) => timing.end)) - Math.min(...subs.map((timing) => timing.start));
}

/** Batches through the REPL after the cold one and before the measured ones. */
const WARM_UP_BATCHES = 2;

export async function measureFanOut(
  calls: number,
  concurrency: number,
  latencyMs: number,
  steadyRuns = 3,
): Promise<FanOutResult> {
  const backend = await startTimedBackend({
    rootReplies: [
      `\`\`\`repl\nreplies = llm_query_batched([f"item {i}" for i in range(${calls})])\n` +
        'print(len(replies), "errors:", sum(1 for r in replies if r.startswith("[error]")))\n```',
      "FINAL(done)",
    ],
    subLatencyMs: latencyMs,
  });
  try {
    const idealMs = Math.ceil(calls / concurrency) * latencyMs;
    const ratioOf = (timings: ServerTiming[]) => span(timings) / idealMs;
    const rlm = new RLM({ model: backend.spec("root"), subModel: backend.spec("sub"), concurrency });
    await rlm.completion("a small context", "Run the fan-out.");
    const cold = await backend.timings(true);
    const batch = async () => {
      await rlm.warm();
      await backend.timings(true);
      const result = await rlm.completion("a small context", "Run the fan-out.");
      const engine = await backend.timings(true);
      return {
        wallMs: span(engine.timings),
        maxInFlight: engine.maxInFlight,
        failed: result.stopReason !== "answer",
      };
    };
    const { median, steady, keys } = await steadyState(
      batch,
      WARM_UP_BATCHES,
      steadyRuns,
      (run) => run.wallMs,
    );
    await rlm.close();

    // The same N calls straight through the pool: the HTTP path without the sandbox.
    const pool = createModelPool({ concurrency });
    const sub = pool.get(backend.spec("sub"));
    const poolBatch = () =>
      Promise.all(
        Array.from({ length: calls }, (_, index) => sub.chat([{ role: "user", content: `item ${index}` }])),
      );
    await poolBatch();
    await backend.timings(true);
    await poolBatch();
    await pool.close();
    const poolOnly = await backend.timings(true);
    await bareAgentCalls(backend.url, calls, concurrency);
    await backend.timings(true);
    await bareAgentCalls(backend.url, calls, concurrency);
    const bareAgent = await backend.timings(true);
    return {
      calls,
      concurrency,
      latencyMs,
      idealMs,
      serverWallMs: median.wallMs,
      ratio: median.wallMs / idealMs,
      maxInFlight: median.maxInFlight,
      errors: steady.filter((run) => run.failed).length,
      steadyRuns,
      runs: keys.map((wallMs) => wallMs / idealMs),
      coldRatio: ratioOf(cold.timings),
      poolOnlyRatio: ratioOf(poolOnly.timings),
      bareAgentRatio: ratioOf(bareAgent.timings),
    };
  } finally {
    await backend.close();
  }
}
