/**
 * Durable runs bench: what recording costs and how fast a resume is. SIMULATED models (a fake
 * OpenAI-compatible server on 127.0.0.1 answering from a script), the default sandbox warmed before
 * each completion. Side by side in one process, medians of several runs, load average printed:
 *
 * - per-turn cost: 50 turns of trivial code, without a trajectory, and with one (every reply
 *   recorded as a `call` line);
 * - trajectory size per 1,000 sub-calls (all of it, and the `call` lines alone);
 * - resume: a run of 10 turns of 100 sub-calls each (sub-model latency L, concurrency 16) killed
 *   before its last reply, resumed from its trajectory, against running it live from the start.
 *
 *   node --import tsx bench/durable/main.ts [--runs 5] [--latency 20]
 */

import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { RLM } from "../../src/rlm/index.js";
import type { RLMOptions } from "../../src/rlm/types.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakePolicy } from "../../test/fakes/types.js";
import { code, turnOf } from "../../test/policies/conversation.js";
import { argument, median } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";

const runs = Math.max(1, Number(argument("runs", "5")));
const latencyMs = Number(argument("latency", "20"));
const directory = mkdtempSync(join(tmpdir(), "rlm-bench-durable-"));
const CONTEXT = "lorem ipsum dolor sit amet ".repeat(2_000);

/** `turns` turns that each run `perTurn` sub-calls (0: trivial code), then FINAL. */
function policies(turns: number, perTurn: number): Record<string, FakePolicy> {
  const work =
    perTurn === 0
      ? "x = 1"
      : `answers = llm_query_batched([f"Summarize part {i}: " + context[i * 100:i * 100 + 150] for i in range(${perTurn})])\nprint(len(answers))`;
  return {
    root: (request) => ({ text: turnOf(request) <= turns ? code(work) : code('FINAL("done")') }),
    sub: (request) => ({
      text: `summary of ${(request.messages.at(-1)?.content ?? "").slice(0, 24)}`,
      delayMs: latencyMs,
    }),
  };
}

async function server(turns: number, perTurn: number) {
  const table = policies(turns, perTurn);
  const fake = await startFakeOpenAI((request) => table[request.model]!(request), { contextLength: 131_072 });
  const spec = (model: string) => `openai-compatible:${fake.url}/v1#${model}`;
  return { fake, spec };
}

async function timed(options: RLMOptions, resume?: string): Promise<number> {
  const rlm = new RLM(options);
  await rlm.warm();
  const started = performance.now();
  const result = await rlm.completion(CONTEXT, "Work.", resume ? { resume } : {});
  const elapsed = performance.now() - started;
  await rlm.close();
  if (result.stopReason !== "answer")
    throw new Error(`the run stopped by ${result.stopReason}: ${result.error}`);
  return elapsed;
}

const rows: string[][] = [];
const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${formatNumber(ms, 2)} ms`;

// Per-turn cost of recording.
{
  const turns = 50;
  const { fake, spec } = await server(turns, 0);
  const base: RLMOptions = { model: spec("root"), limits: { maxIterations: turns + 5 } };
  const plain: number[] = [];
  const traced: number[] = [];
  await timed(base); // the JIT's first pass, not measured
  for (let run = 0; run < runs; run++) {
    plain.push((await timed(base)) / (turns + 1));
    traced.push((await timed({ ...base, trace: join(directory, `turns-${run}.jsonl`) })) / (turns + 1));
  }
  rows.push(["per turn, no trajectory (trivial code, 0 ms model)", formatNumber(median(plain), 2), "ms", ""]);
  rows.push([
    "per turn, with a trajectory (every reply recorded)",
    formatNumber(median(traced), 2),
    "ms",
    signed(median(traced) - median(plain)),
  ]);
  await fake.close();
}

// Trajectory size per 1,000 sub-calls, and resume time for 10 turns of 100 sub-calls.
{
  const turns = 10;
  const perTurn = 100;
  const { fake, spec } = await server(turns, perTurn);
  const base: RLMOptions = {
    model: spec("root"),
    subModel: spec("sub"),
    concurrency: 16,
    limits: { maxIterations: turns + 5 },
  };
  const live: number[] = [];
  const resumed: number[] = [];
  let bytes = 0;
  let callBytes = 0;
  for (let run = 0; run < runs; run++) {
    const trace = join(directory, `fan-${run}.jsonl`);
    live.push(await timed({ ...base, trace }));
    const text = readFileSync(trace, "utf8");
    bytes = statSync(trace).size;
    callBytes = text
      .split("\n")
      .filter((line) => line.startsWith('{"type":"call"'))
      .reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    // Killed before the last root reply: everything after the last sub-call's line is lost.
    const lines = text.split("\n");
    const lastReply = lines.findIndex((line) => line.startsWith(`{"type":"call","site":"${turns + 1}"`));
    const killed = join(directory, `killed-${run}.jsonl`);
    writeFileSync(killed, `${lines.slice(0, lastReply).join("\n")}\n`);
    const before = fake.requests.length;
    resumed.push(await timed(base, killed));
    if (fake.requests.length - before !== 1)
      throw new Error(`the resume sent ${fake.requests.length - before} requests, not 1`);
  }
  const calls = turns * perTurn;
  rows.push([
    `trajectory per 1,000 sub-calls (all lines; prompts ~170 chars)`,
    formatNumber(((bytes / calls) * 1000) / 1024),
    "KB",
    "",
  ]);
  rows.push([
    "  of which the recorded replies (`call` lines)",
    formatNumber(((callBytes / calls) * 1000) / 1024),
    "KB",
    "",
  ]);
  rows.push([
    `run of ${turns} turns x ${perTurn} sub-calls, live (L=${latencyMs} ms, C=16)`,
    formatNumber(median(live)),
    "ms",
    "",
  ]);
  rows.push([
    `  resumed before its last reply (${calls} sub-calls from the record, 1 call live)`,
    formatNumber(median(resumed)),
    "ms",
    `${formatNumber((median(resumed) / median(live)) * 100)}% of live`,
  ]);
  await fake.close();
}

const title = `Durable runs (SIMULATED models), median of ${runs}, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
console.log(renderTable(title, ["measure", "value", "unit", "compared"], rows));
process.exit(0);
