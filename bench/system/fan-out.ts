/**
 * Fan-out efficiency: one `llm_query_batched` of N prompts from the REPL against a backend of
 * latency L, at concurrency C. Measured at the server: from the first sub-call's arrival to the
 * last one's reply, over the physical bound ceil(N/C)·L. Also the pool alone (no sandbox), to
 * tell the HTTP path's share from the sandbox bridge's.
 */

import { createModelPool } from "../../src/models/pool/create-model-pool.js";
import { RLM } from "../../src/rlm/index.js";
import { startTimedBackend, type Timing, turnOf } from "./timed-backend.js";

export interface FanOutResult {
  calls: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  serverWallMs: number;
  ratio: number;
  maxInFlight: number;
  errors: number;
  poolOnlyRatio: number;
}

function span(timings: Timing[], model: string): number {
  const mine = timings.filter((timing) => timing.model === model);
  return Math.max(...mine.map((timing) => timing.end)) - Math.min(...mine.map((timing) => timing.start));
}

export async function measureFanOut(
  calls: number,
  concurrency: number,
  latencyMs: number,
): Promise<FanOutResult> {
  const backend = await startTimedBackend(
    (request) => {
      if (request.model !== "root") return "ok";
      return turnOf(request) === 0
        ? '```repl\nreplies = llm_query_batched([f"item {i}" for i in range(' +
            calls +
            ')])\nprint(len(replies), sum(1 for r in replies if r.startswith("[error]")))\n```'
        : "FINAL(done)";
    },
    (request) => (request.model === "sub" ? latencyMs : 0),
  );
  try {
    const rlm = new RLM({ model: backend.spec("root"), subModel: backend.spec("sub"), concurrency });
    const result = await rlm.completion("a small context", "Run the fan-out.");
    const serverWallMs = span(backend.timings, "sub");
    const maxInFlight = backend.server.maxInFlight;
    const errors = result.stopReason === "answer" ? 0 : 1;

    // The same N calls straight through the pool: the HTTP path without the sandbox.
    backend.timings.splice(0);
    const pool = createModelPool({ concurrency });
    const sub = pool.get(backend.spec("sub"));
    await Promise.all(
      Array.from({ length: calls }, (_, index) => sub.chat([{ role: "user", content: `item ${index}` }])),
    );
    await pool.close();
    const idealMs = Math.ceil(calls / concurrency) * latencyMs;
    return {
      calls,
      concurrency,
      latencyMs,
      idealMs,
      serverWallMs,
      ratio: serverWallMs / idealMs,
      maxInFlight,
      errors,
      poolOnlyRatio: span(backend.timings, "sub") / idealMs,
    };
  } finally {
    await backend.close();
  }
}
