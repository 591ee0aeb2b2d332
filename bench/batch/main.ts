/**
 * Batch runs bench: throughput of a batch of N tasks (default 200) on the queue with 1, 2 and 4
 * `rlm worker` processes on this machine, as tasks per minute and as a ratio to ideal scaling (N
 * workers doing N times the work of one), and the overhead per task of the queue against the
 * embedded mode at the same parallelism. SIMULATED models: a fake OpenAI-compatible server on
 * 127.0.0.1 answers from a script with a fixed latency (root turns and sub-calls); each task is a
 * real RLM run (a python3 sandbox, two root turns, a fan-out of sub-calls over its file). Redis is
 * a real `redis-server` started here on a free port. Load average printed.
 *
 *   node --import tsx bench/batch/main.ts [--tasks 200] [--workers 1,2,4] [--parallel 4]
 *                                         [--root-latency 200] [--sub-latency 100] [--words 600]
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY, cleanEnvironment, ensureBuilt } from "../../src/cli/__fixtures__/run-cli.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeReply } from "../../test/fakes/types.js";
import { writeBatchDataset } from "../../test/policies/batch.js";
import { fanOutPolicies } from "../../test/policies/durable.js";
import { redisServerMissing, startRedis } from "../../test/redis/start-redis.js";
import { formatNumber, renderTable } from "../runner/table.js";

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const tasks = Number(argument("tasks", "200"));
const workerCounts = argument("workers", "1,2,4").split(",").map(Number);
const parallel = Number(argument("parallel", "4"));
const rootLatencyMs = Number(argument("root-latency", "200"));
const subLatencyMs = Number(argument("sub-latency", "100"));
const words = Number(argument("words", "600"));

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
async function startWorker(queue: string, index: number): Promise<ChildProcess> {
  const { child } = run([
    ...["worker", "--queue", redis.url, "--queue-name", queue, "--parallel", String(parallel), "-q"],
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

function checkResults(out: string): void {
  const lines = readFileSync(out, "utf8").trim().split("\n");
  const ids = new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id));
  const failed = lines.filter((line) => (JSON.parse(line) as { status: string }).status !== "ok");
  if (lines.length !== tasks || ids.size !== tasks || failed.length > 0)
    throw new Error(`${out}: ${lines.length} lines, ${ids.size} ids, ${failed.length} failed`);
}

async function timedBatch(args: string[], out: string): Promise<number> {
  const started = performance.now();
  const { done } = run(["batch", dataset.tasksFile, "--out", out, "-q", ...args]);
  const { code, stderr } = await done;
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`rlm batch exited ${code}: ${stderr}`);
  checkResults(out);
  return elapsed;
}

const perMinute = (ms: number) => (tasks / ms) * 60_000;
const rows: string[][] = [];
const load: number[] = [loadavg()[0] ?? 0];

const embeddedMs = await timedBatch(
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
  const ms = await timedBatch(
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

await redis.stop();
await fake.close();
const title = `Batch runs (SIMULATED models: root ${rootLatencyMs} ms, sub-calls ${subLatencyMs} ms), ${tasks} tasks of ${words} words (${Math.ceil(words / 100)} sub-calls + 2 root turns each, python3 sandbox), load average ${load.map((value) => value.toFixed(1)).join(" → ")} on ${availableParallelism()} cores`;
console.log(renderTable(title, ["mode", "workers", "wall s", "tasks/min", "ratio to ideal"], rows));
if (oneWorkerMs > 0) {
  console.log(
    `\nqueue overhead per task (1 worker against embedded, same parallelism ${parallel}): ${formatNumber((oneWorkerMs - embeddedMs) / tasks, 1)} ms of wall time per task, ${formatNumber(((oneWorkerMs - embeddedMs) / tasks) * parallel, 1)} ms per task-slot`,
  );
}
process.exit(0);
