/**
 * Child RLM bench (issue 17, point 2): trees of `rlm_query_batched` of 4 per node, leaves of 50 ms,
 * as the issue measured them. maxDepth 2: the root's 4 children each send 4 plain calls (4 child
 * RLMs, 16 leaves); maxDepth 3: 20 child RLMs (4 + 16), 64 leaves. Every node's model is SIMULATED
 * (a fake OpenAI-compatible server on 127.0.0.1, answering at once; leaves after 50 ms). Reported
 * per sandbox runtime: the completion's wall time and the peak resident memory of this process and
 * every process below it (the sandbox host process, Python children), medians of the runs, the
 * load average printed. The official rlm's figures are quoted from the issue (it cannot be
 * installed offline): depth 2 1.0 s, depth 3 1.5 s and 38 MB.
 *
 *   node --import tsx bench/children/main.ts [--runs 3] [--before DIR] [--pool N] [--runtime LABEL]
 *
 * `--pool N` sets `sandboxPool` (the child sandboxes started ahead; default the engine's);
 * `--shared N` gives each completion a pool of N sandboxes filled before it starts (as `rlm serve`
 * keeps one; only this build: the RLM made from `--before` ignores it); `--runtime process` or
 * `--runtime pyodide` runs one runtime only.
 *
 * `--before DIR` also runs another checkout's engine (`DIR/src/rlm/index.ts`, for example the
 * commit before a change) in the same process, alternating with this one. The process runtime runs
 * first: Pyodide's host process stays up once started, and the tree's memory counts it.
 */

import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { RLM } from "../../src/rlm/index.js";
import type { SandboxOptions } from "../../src/sandbox/index.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import { fanOutPolicy } from "../../test/policies/fan-out.js";
import { argument, median, optionalArgument } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";
import { watchPeak } from "../system/process-memory.js";

const LEAF_MS = 50;
const OFFICIAL: Record<number, string> = { 2: "1.0 s (quoted)", 3: "1.5 s, 38 MB (quoted)" };
const TARGET_RSS_MB = 600;

const runs = Math.max(1, Number(argument("runs", "3")));
const beforeDir = optionalArgument("before");
const poolOption = optionalArgument("pool", "0");
const pool = poolOption === undefined ? undefined : Number(poolOption);
/** `--shared N`: a pool of N sandboxes filled before each completion starts (as `rlm serve` keeps one). */
const sharedOption = optionalArgument("shared", "0");
const shared = sharedOption === undefined ? undefined : Number(sharedOption);
const only = optionalArgument("runtime");
const engines: { name: string; RLM: typeof RLM }[] = [{ name: "this build", RLM }];
if (beforeDir) {
  const before = (await import(join(beforeDir, "src", "rlm", "index.ts"))) as { RLM: typeof RLM };
  engines.push({ name: "before", RLM: before.RLM });
}

const server = await startFakeOpenAI(
  fanOutPolicy({ call: "rlm_query_batched", leaf: "leaf", leafMs: LEAF_MS }),
  { models: ["node", "leaf"], contextLength: 32_768 },
);
const spec = (model: string) => `openai-compatible:${server.url}/v1#${model}`;

const runtimes: { label: string; sandbox: SandboxOptions }[] = [
  { label: "process (python3)", sandbox: { runtime: "process" } },
  { label: "pyodide (default)", sandbox: {} },
];

const rows: string[][] = [];
for (const { label, sandbox } of runtimes) {
  if (only !== undefined && !label.startsWith(only)) continue;
  for (const maxDepth of [2, 3]) {
    const walls = new Map<string, number[]>(engines.map(({ name }) => [name, []]));
    const peaks = new Map<string, number[]>(engines.map(({ name }) => [name, []]));
    let children = 0;
    let leaves = 0;
    // The first round of each shape is a warm-up (the snapshot, the host process, JIT): not counted.
    for (let run = 0; run <= runs; run++) {
      for (const engine of engines) {
        const before = server.requests.length;
        const sharedPool = shared ? RLM.createSandboxPool({ sandbox }, shared) : undefined;
        await sharedPool?.filled();
        const peak = watchPeak(process.pid);
        const rlm = new engine.RLM({
          model: spec("node"),
          subModel: spec("leaf"),
          maxDepth,
          concurrency: 16,
          sandbox,
          ...(pool !== undefined ? { sandboxPool: pool } : {}),
          ...(sharedPool ? { sandboxPool: sharedPool } : {}),
        });
        const started = performance.now();
        const result = await rlm.completion("The launch is on 3 May.", "Fan out.");
        const wall = performance.now() - started;
        await rlm.close();
        const peakBytes = peak.stop();
        await sharedPool?.close();
        if (result.stopReason !== "answer") {
          throw new Error(`${label} depth ${maxDepth}: ${result.stopReason} ${result.error ?? ""}`);
        }
        const requests = server.requests.slice(before);
        leaves = requests.filter((request) => request.model === "leaf").length;
        // Each RLM asks its model twice (fan out, then FINAL): the root too.
        children = requests.filter((request) => request.model === "node").length / 2 - 1;
        if (run === 0) continue;
        walls.get(engine.name)?.push(wall);
        peaks.get(engine.name)?.push(peakBytes / 1024 ** 2);
      }
    }
    for (const { name } of engines) {
      const peakMb = median(peaks.get(name) ?? []);
      rows.push([
        `${label}, maxDepth ${maxDepth}${engines.length > 1 ? ` (${name})` : ""}`,
        `${children} / ${leaves}`,
        `${formatNumber(median(walls.get(name) ?? []))} ms`,
        `${formatNumber(peakMb)} MB${peakMb <= TARGET_RSS_MB ? "" : " (over 600)"}`,
        OFFICIAL[maxDepth] ?? "-",
      ]);
    }
  }
}
await server.close();

const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
console.log(
  renderTable(
    `Child RLMs: rlm_query_batched of 4 per node, ${LEAF_MS} ms leaves${pool !== undefined ? `, sandboxPool ${pool}` : ""}${shared ? `, a shared pool of ${shared} filled ahead` : ""}, SIMULATED models, median of ${runs} after a warm-up; ${availableParallelism()} CPUs, load average ${one} ${five} ${fifteen}`,
    ["tree", "child RLMs / leaves", "wall", "peak RSS (process tree)", "official rlm"],
    rows,
  ),
);
