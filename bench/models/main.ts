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

interface Measure {
  /** Wall time. */
  ms: number;
  /** CPU time of this process (client and fake server both live here), less disturbed by other load. */
  cpuMs: number;
}

/** Runs `calls` calls with `concurrency` workers. */
async function run(call: Call, calls: number, concurrency: number): Promise<Measure> {
  let next = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await call(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
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
  const rows: Array<{ mode: string; concurrency: number } & Measure> = [];
  for (const concurrency of [1, 16]) {
    for (const [, call] of modes) await run(call, Math.min(200, calls), concurrency); // warm-up: connections, JIT
    // Modes interleaved, best of five: the machine is shared, so the minimum is the least disturbed run.
    const best = new Map<string, Measure>();
    for (let round = 0; round < 5; round++) {
      for (const [mode, call] of modes) {
        const measure = await run(call, calls, concurrency);
        const previous = best.get(mode);
        best.set(mode, {
          ms: Math.min(previous?.ms ?? Number.POSITIVE_INFINITY, measure.ms),
          cpuMs: Math.min(previous?.cpuMs ?? Number.POSITIVE_INFINITY, measure.cpuMs),
        });
      }
    }
    for (const [mode] of modes) rows.push({ mode, concurrency, ...best.get(mode)! });
  }
  await pool.close();
  await server.close();
  await agent.close();

  console.log(
    `\nbench/models: ${calls} calls per row (best of 5) to a fake OpenAI-compatible server on 127.0.0.1\n`,
  );
  console.log(
    "| mode | concurrency | wall µs/call | calls/s | CPU µs/call | wall overhead vs bare, µs | CPU overhead vs bare, µs |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  const perCall = (milliseconds: number): number => (milliseconds * 1000) / calls;
  for (const row of rows) {
    const bare = rows.find(
      (other) => other.concurrency === row.concurrency && other.mode.startsWith("bare"),
    )!;
    const isBare = row === bare;
    const cells = [
      row.mode,
      row.concurrency,
      perCall(row.ms).toFixed(0),
      ((calls * 1000) / row.ms).toFixed(0),
      perCall(row.cpuMs).toFixed(0),
      isBare ? "-" : (perCall(row.ms) - perCall(bare.ms)).toFixed(0),
      isBare ? "-" : (perCall(row.cpuMs) - perCall(bare.cpuMs)).toFixed(0),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

await main();
