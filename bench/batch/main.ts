/**
 * Batch runs bench: throughput of a batch of N tasks (default 200) on the queue with 1, 2 and 4
 * `rlm worker` processes on this machine, as tasks per minute and as a ratio to ideal scaling (N
 * workers doing N times the work of one), and the overhead per task of the queue against the
 * embedded mode at the same parallelism. SIMULATED models: a fake OpenAI-compatible server on
 * 127.0.0.1 answers from a script with a fixed latency (root turns and sub-calls); each task is a
 * real RLM run (a python3 sandbox, two root turns, a fan-out of sub-calls over its file). Redis is
 * a real `redis-server` started here on a free port. Load average printed.
 *
 * The overhead per task is measured one task at a time (`--parallel 1`, `--overhead-tasks` tasks),
 * where the queue's own latency (enqueue, a worker's fetch, the result's way back) adds to each
 * task's wall time instead of hiding behind the other tasks in flight.
 *
 *   node --import tsx bench/batch/main.ts [--tasks 200] [--workers 1,2,4] [--parallel 4]
 *        [--root-latency 200] [--sub-latency 100] [--words 600] [--overhead-tasks 30]
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY, cleanEnvironment, ensureBuilt } from "../../src/cli/__fixtures__/run-cli.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeReply } from "../../test/fakes/types.js";
import { writeBatchDataset } from "../../test/policies/batch.js";
import { fanOutPolicies } from "../../test/policies/durable.js";
import { redisServerMissing, startRedis } from "../../test/redis/start-redis.js";
import { argument } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";

const tasks = Number(argument("tasks", "200"));
const workerCounts = argument("workers", "1,2,4").split(",").map(Number);
const parallel = Number(argument("parallel", "4"));
const rootLatencyMs = Number(argument("root-latency", "200"));
const subLatencyMs = Number(argument("sub-latency", "100"));
const words = Number(argument("words", "600"));
const overheadTasks = Number(argument("overhead-tasks", "30"));

const missing = redisServerMissing();
if (missing !== undefined) {
  console.error(`bench/batch: ${missing}`);
  process.exit(1);
}
await ensureBuilt();
const directory = mkdtempSync(join(tmpdir(), "rlm-bench-batch-"));
const env = cleanEnvironment(directory, {});
const dataset = writeBatchDataset(directory, tasks, () => words);
const policies = fanOutPolicies({ subDelayMs: subLatencyMs });
const fake = await startFakeOpenAI(
  async (request): Promise<FakeReply> => {
    if (request.model === "root")
      return { ...((await policies.root!(request)) as object), delayMs: rootLatencyMs } as FakeReply;
    return policies.sub!(request);
  },
  { contextLength: 32_768 },
);
const redis = await startRedis();
const spec = (model: string) => `openai-compatible:${fake.url}/v1#${model}`;
const modelFlags = [
  ...["-m", spec("root"), "-s", spec("sub"), "--sandbox", "process", "--concurrency", "16", "--no-check"],
];

function run(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [BINARY, ...args], {
    cwd: directory,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

/** Starts a worker and resolves once it takes tasks. */
async function startWorker(queue: string, index: number, slots = parallel): Promise<ChildProcess> {
  const { child } = run([
    ...["worker", "--queue", redis.url, "--queue-name", queue, "--parallel", String(slots), "-q"],
    ...["--trace-dir", join(directory, `${queue}-w${index}`)],
    ...modelFlags,
  ]);
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes("taking tasks")) resolve();
    });
    child.on("close", (code) => reject(new Error(`worker exited ${code}: ${seen}`)));
  });
  return child;
}

function checkResults(out: string, expected: number): void {
  const lines = readFileSync(out, "utf8").trim().split("\n");
  const ids = new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id));
  const failed = lines.filter((line) => (JSON.parse(line) as { status: string }).status !== "ok");
  if (lines.length !== expected || ids.size !== expected || failed.length > 0)
    throw new Error(`${out}: ${lines.length} lines, ${ids.size} ids, ${failed.length} failed`);
}

/**
 * Runs a batch; returns its wall time and its steady cadence: the time between the first and the
 * last result line over the lines between, which leaves out the command's start-up.
 */
async function timedBatch(
  args: string[],
  out: string,
  file = dataset.tasksFile,
  count = tasks,
): Promise<{ ms: number; cadenceMs: number }> {
  const started = performance.now();
  const { done } = run(["batch", file, "--out", out, "-q", ...args]);
  const seen: number[] = [];
  const watch = setInterval(() => {
    const written = existsSync(out) ? readFileSync(out, "utf8").split("\n").length - 1 : 0;
    while (seen.length < written) seen.push(performance.now());
  }, 5);
  const { code, stderr } = await done;
  clearInterval(watch);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`rlm batch exited ${code}: ${stderr}`);
  checkResults(out, count);
  const cadenceMs =
    seen.length > 1 ? ((seen.at(-1) as number) - (seen[0] as number)) / (seen.length - 1) : ms;
  return { ms, cadenceMs };
}

/** The first `count` tasks of the dataset, in a file of their own. */
function firstTasks(count: number): string {
  const file = join(directory, `first-${count}.jsonl`);
  const lines = readFileSync(dataset.tasksFile, "utf8").trim().split("\n").slice(0, count);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const perMinute = (ms: number) => (tasks / ms) * 60_000;
const rows: string[][] = [];
const load: number[] = [loadavg()[0] ?? 0];

const { ms: embeddedMs } = await timedBatch(
  ["--parallel", String(parallel), ...modelFlags],
  join(directory, "embedded.jsonl"),
);
load.push(loadavg()[0] ?? 0);
rows.push([
  `embedded, --parallel ${parallel}`,
  "-",
  formatNumber(embeddedMs / 1000, 1),
  formatNumber(perMinute(embeddedMs)),
  "-",
]);

let oneWorker: number | undefined;
let oneWorkerMs = 0;
for (const count of workerCounts) {
  const queue = `bench-${count}`;
  const workers = await Promise.all(Array.from({ length: count }, (_, index) => startWorker(queue, index)));
  const { ms } = await timedBatch(
    ["--queue", redis.url, "--queue-name", queue],
    join(directory, `queue-${count}.jsonl`),
  );
  load.push(loadavg()[0] ?? 0);
  for (const worker of workers) worker.kill("SIGTERM");
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("close", resolve))));
  if (count === 1) {
    oneWorker = perMinute(ms);
    oneWorkerMs = ms;
  }
  const ideal = oneWorker === undefined ? "-" : formatNumber(perMinute(ms) / (oneWorker * count), 2);
  rows.push([
    `queue, ${count} worker process${count > 1 ? "es" : ""} x --parallel ${parallel}`,
    String(count),
    formatNumber(ms / 1000, 1),
    formatNumber(perMinute(ms)),
    ideal,
  ]);
}

// One task at a time: the queue's latency per task shows undiluted.
const small = firstTasks(overheadTasks);
const { cadenceMs: soloEmbeddedMs } = await timedBatch(
  ["--parallel", "1", ...modelFlags],
  join(directory, "solo-embedded.jsonl"),
  small,
  overheadTasks,
);
const soloWorker = await startWorker("bench-solo", 0, 1);
const { cadenceMs: soloQueueMs } = await timedBatch(
  ["--queue", redis.url, "--queue-name", "bench-solo"],
  join(directory, "solo-queue.jsonl"),
  small,
  overheadTasks,
);
soloWorker.kill("SIGTERM");
await new Promise((resolve) => soloWorker.once("close", resolve));
load.push(loadavg()[0] ?? 0);

await redis.stop();
await fake.close();
const title = `Batch runs (SIMULATED models: root ${rootLatencyMs} ms, sub-calls ${subLatencyMs} ms), ${tasks} tasks of ${words} words (${Math.ceil(words / 100)} sub-calls + 2 root turns each, python3 sandbox), load average ${load.map((value) => value.toFixed(1)).join(" → ")} on ${availableParallelism()} cores`;
console.log(renderTable(title, ["mode", "workers", "wall s", "tasks/min", "ratio to ideal"], rows));
const overheadRows = [
  ["embedded, --parallel 1 (time between result lines)", formatNumber(soloEmbeddedMs), "-"],
  [
    "queue, 1 worker x --parallel 1 (time between result lines)",
    formatNumber(soloQueueMs),
    `${formatNumber(soloQueueMs - soloEmbeddedMs, 1)} ms`,
  ],
];
if (oneWorkerMs > 0) {
  overheadRows.push([
    `queue 1 worker against embedded, both --parallel ${parallel} (${tasks} tasks, whole wall time)`,
    "-",
    `${formatNumber((oneWorkerMs - embeddedMs) / tasks, 1)} ms`,
  ]);
}
console.log(
  renderTable(
    `\nOverhead per task of the queue against the embedded mode (${overheadTasks} tasks one at a time)`,
    ["mode", "ms per task", "queue overhead per task"],
    overheadRows,
  ),
);
process.exit(0);
