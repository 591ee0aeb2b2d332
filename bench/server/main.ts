/**
 * Server throughput bench (issue 17, point 4): 20 concurrent clients, each asking 3 completions in
 * a row, over real HTTP to a real `rlm serve` process (the built command, `--concurrency 16`). Each
 * completion is 2 root turns (an `llm_query_batched` of 4, then FINAL) and 4 sub-calls of 50 ms.
 * The models are SIMULATED: a fake OpenAI-compatible server on 127.0.0.1 in this process. Reported
 * per sandbox runtime: completions per second (all requests, first sent to last answered),
 * p50/p95 latency of one request, and the peak resident memory of the server's process tree
 * (the server, its sandbox host process, Python children), the load average printed.
 *
 *   npm run build && node --import tsx bench/server/main.ts [--clients 20] [--per-client 3]
 *     [--pool N] [--runs 1] [--runtime LABEL] [--python PATH] [--before DIR]
 *
 * `--pool N` passes `--sandbox-pool N` to the server (omitted: the command's default). `--before
 * DIR` also runs another checkout's build (`DIR/dist/...`), alternating with this one.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapAvailable, bwrapCommand, type SandboxOptions } from "../../src/sandbox/index.js";
import { askServer } from "../../test/fakes/chat-client.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import { fanOutPolicy } from "../../test/policies/fan-out.js";
import { argument, median, optionalArgument } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";
import { watchPeak } from "../system/process-memory.js";

/** The built command, under a checkout's root. */
const BINARY = join("dist", "src", "cli", "main.js");
const SUB_MS = 50;
const TARGET = { perSecond: 20, p50Ms: 1_000, rssMb: 800 };

const clients = Math.max(1, Number(argument("clients", "20")));
const perClient = Math.max(1, Number(argument("per-client", "3")));
const runs = Math.max(1, Number(argument("runs", "1")));
const pool = optionalArgument("pool");
const only = optionalArgument("runtime");
const before = optionalArgument("before");
/** `--python PATH`: the interpreter of the process runtime (a venv's skips the site-packages' .pth hooks). */
const python = optionalArgument("python", "python3");
const home = mkdtempSync(join(tmpdir(), "rlm-bench-server-"));

const backend = await startFakeOpenAI(
  fanOutPolicy({ call: "llm_query_batched", leaf: "sub", leafMs: SUB_MS }),
  { models: ["root", "sub"], contextLength: 32_768 },
);
const spec = (model: string) => `openai-compatible:${backend.url}/v1#${model}`;

/** Starts `rlm serve` on a free port; resolves once it listens, with its base URL. */
function startServer(
  binary: string,
  sandbox: SandboxOptions | undefined,
): Promise<{ child: ChildProcess; url: string }> {
  const config = join(home, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(config, JSON.stringify(sandbox ? { sandbox } : {}));
  const args = [binary, "serve", "-p", "0", "--config", config, "-m", spec("root"), "-s", spec("sub")];
  args.push("--concurrency", "16", "--no-check", ...(pool !== undefined ? ["--sandbox-pool", pool] : []));
  const environment = { PATH: process.env.PATH ?? "", HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
  const child = spawn(process.execPath, args, { env: environment, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /listening on (http:\/\/\S+?)\/v1/.exec(stderr);
      if (match) resolve({ child, url: match[1] as string });
    });
    child.on("exit", (status) => reject(new Error(`rlm serve exited (${status}): ${stderr}`)));
  });
}

async function ask(url: string, index: number): Promise<number> {
  const started = performance.now();
  const answer = await askServer(url, `Request ${index}: the launch is on 3 May.`, "When is the launch?");
  if (answer.status !== 200 || answer.content !== "done")
    throw new Error(`request ${index}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return performance.now() - started;
}

interface Measured {
  perSecond: number;
  p50: number;
  p95: number;
  peakMb: number;
  /** CPU ms per completion: the server process itself, and its exited children (sandboxes). */
  serverCpu: number;
  childCpu: number;
}

/** CPU time in ms of `pid` itself and of its children it has reaped (Linux). */
function cpuOf(pid: number): { own: number; children: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const tick = 10; // ms per clock tick (USER_HZ 100)
    return {
      own: ((fields[11] ?? 0) + (fields[12] ?? 0)) * tick,
      children: ((fields[13] ?? 0) + (fields[14] ?? 0)) * tick,
    };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** One load: `clients` at once, each asking `perClient` completions in a row. */
async function measure(binary: string, sandbox: SandboxOptions | undefined): Promise<Measured> {
  const { child, url } = await startServer(binary, sandbox);
  try {
    // One request first, not counted: the start-up snapshot, the host process, JIT.
    await ask(url, -1);
    const peak = watchPeak(child.pid as number);
    const cpuBefore = cpuOf(child.pid as number);
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let round = 0; round < perClient; round++)
          latencies.push(await ask(url, client * perClient + round));
      }),
    );
    const elapsed = performance.now() - started;
    const peakMb = peak.stop() / 1024 ** 2;
    // Sandboxes still closing are reaped (and counted) a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cpuAfter = cpuOf(child.pid as number);
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return {
      perSecond: latencies.length / (elapsed / 1000),
      p50: median(latencies),
      p95: at(0.95),
      peakMb,
      serverCpu: (cpuAfter.own - cpuBefore.own) / latencies.length,
      childCpu: (cpuAfter.children - cpuBefore.children) / latencies.length,
    };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

/** Each runtime's sandbox settings for the checkout at `root` (bubblewrap must see its driver). */
const runtimes: { label: string; sandbox: (root: string) => SandboxOptions | undefined }[] = [
  { label: "pyodide (default)", sandbox: () => undefined },
  {
    label: "process (python3, trusted code only)",
    sandbox: () => ({ runtime: "process", ...(python ? { command: [python] } : {}) }),
  },
];
if (bwrapAvailable()) {
  runtimes.push({
    label: "process under bubblewrap",
    sandbox: (root) => ({
      runtime: "process",
      command: bwrapCommand({
        readOnlyPaths: [join(root, "src", "sandbox", "python")],
        ...(python ? { python } : {}),
      }),
    }),
  });
}
const binaries: { name: string; root: string }[] = [
  { name: "this build", root: join(import.meta.dirname, "..", "..") },
];
if (before) binaries.push({ name: "before", root: before });

const rows: string[][] = [];
for (const { label, sandbox } of runtimes) {
  if (only !== undefined && !label.startsWith(only)) continue;
  const results = new Map<string, Measured[]>(binaries.map(({ name }) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const { name, root } of binaries) {
      results.get(name)?.push(await measure(join(root, BINARY), sandbox(root)));
    }
  }
  for (const { name } of binaries) {
    const all = results.get(name) ?? [];
    const m = (key: keyof Measured) => median(all.map((result) => result[key]));
    const misses = [
      m("perSecond") < TARGET.perSecond ? "rate" : "",
      m("p50") >= TARGET.p50Ms ? "p50" : "",
      m("peakMb") >= TARGET.rssMb ? "RSS" : "",
    ].filter(Boolean);
    rows.push([
      `${label}${binaries.length > 1 ? ` (${name})` : ""}`,
      formatNumber(m("perSecond")),
      `${formatNumber(m("p50"))} ms`,
      `${formatNumber(m("p95"))} ms`,
      `${formatNumber(m("peakMb"))} MB`,
      `${formatNumber(m("serverCpu"))} / ${formatNumber(m("childCpu"))} ms`,
      misses.length === 0 ? "ok" : `MISSED: ${misses.join(", ")}`,
    ]);
  }
}
await backend.close();

const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
console.log(
  renderTable(
    `rlm serve: ${clients} clients x ${perClient} completions (2 root turns, 4 sub-calls of ${SUB_MS} ms each), --concurrency 16${pool !== undefined ? `, --sandbox-pool ${pool}` : ""}${python ? `, Python ${python}` : ""}, SIMULATED models, median of ${runs}; ${availableParallelism()} CPUs, load average ${one} ${five} ${fifteen}`,
    [
      "sandbox",
      "completions/s",
      "p50 latency",
      "p95 latency",
      "peak RSS (server tree)",
      "CPU per completion: server / exited children",
      `target >= ${TARGET.perSecond}/s, p50 < 1 s, < ${TARGET.rssMb} MB`,
    ],
    rows,
  ),
);
