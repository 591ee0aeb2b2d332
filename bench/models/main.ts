/**
 * Per-call overhead of the model pool versus a bare undici request to the same fake OpenAI-compatible
 * server on 127.0.0.1 (which answers at once), sequentially and at concurrency 16. The backend row
 * (createModel without the pool) separates the cost of the backend's parsing from the pool's own.
 *
 *   node --import tsx bench/models/main.ts [--calls 2000]
 */
import { Agent, fetch } from "undici";
import { createModel } from "../../src/models/create-model.js";
import { createModelPool } from "../../src/models/pool/index.js";
import type { LanguageModel } from "../../src/models/types.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";

type Call = (index: number) => Promise<unknown>;

function callsArgument(): number {
  const index = process.argv.indexOf("--calls");
  const value = index >= 0 ? Number(process.argv[index + 1]) : 2000;
  return Number.isInteger(value) && value > 0 ? value : 2000;
}

/** Runs `calls` calls with `concurrency` workers and returns wall time in ms. */
async function run(call: Call, calls: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await call(next++);
    }),
  );
  return performance.now() - start;
}

async function main(): Promise<void> {
  const calls = callsArgument();
  const server = await startFakeOpenAI(() => ({ text: "ok", promptTokens: 3, completionTokens: 1 }));
  const spec = `openai-compatible:${server.url}/v1#bench`;
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const body = (index: number) =>
    JSON.stringify({ model: "bench", messages: [{ role: "user", content: `q${index}` }] });
  const bare: Call = async (index) => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body(index),
      dispatcher: agent,
    });
    return response.json();
  };
  const chatWith =
    (model: LanguageModel): Call =>
    (index) =>
      model.chat([{ role: "user", content: `q${index}` }]);
  const backend = chatWith(createModel(spec));
  const pool = createModelPool({ concurrency: 16 });
  const pooled = chatWith(pool.get(spec));
  const modes = [
    ["bare undici fetch", bare],
    ["backend (no pool)", backend],
    ["pool", pooled],
  ] as const;
  const rows: Array<{ mode: string; concurrency: number; ms: number }> = [];
  for (const concurrency of [1, 16]) {
    for (const [, call] of modes) await run(call, Math.min(200, calls), concurrency); // warm-up: connections, JIT
    // Modes interleaved, best of three: the machine is shared, so the minimum is the least disturbed run.
    const best = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (const [mode, call] of modes) {
        const ms = await run(call, calls, concurrency);
        best.set(mode, Math.min(best.get(mode) ?? Number.POSITIVE_INFINITY, ms));
      }
    }
    for (const [mode] of modes) rows.push({ mode, concurrency, ms: best.get(mode)! });
  }
  await pool.close();
  await server.close();
  await agent.close();

  console.log(
    `\nbench/models: ${calls} calls per row (best of 3) to a fake OpenAI-compatible server on 127.0.0.1\n`,
  );
  console.log("| mode | concurrency | total ms | µs per call | calls/s | overhead vs bare, µs per call |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    const bareRow = rows.find(
      (candidate) => candidate.concurrency === row.concurrency && candidate.mode.startsWith("bare"),
    );
    const perCall = (row.ms * 1000) / calls;
    const overhead = bareRow === undefined ? 0 : perCall - (bareRow.ms * 1000) / calls;
    console.log(
      `| ${row.mode} | ${row.concurrency} | ${row.ms.toFixed(0)} | ${perCall.toFixed(0)} | ${((calls * 1000) / row.ms).toFixed(0)} | ${row.mode.startsWith("bare") ? "-" : overhead.toFixed(0)} |`,
    );
  }
}

await main();
