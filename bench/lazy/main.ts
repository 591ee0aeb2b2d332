/**
 * Lazy-context bench (issue 17, point 1): files far larger than any sandbox holds, read by Python
 * a window at a time. The models are SIMULATED (fake OpenAI-compatible servers on 127.0.0.1
 * answering from scripts); the files, the sandboxes and the scans are real.
 *
 *   npm run build && node --import tsx bench/lazy/main.ts [--sizes 1G,10G] [--runtimes pyodide,process] [--dir DIR]
 *
 * One file per size (cached in DIR, default $TMPDIR/rlm-bench-lazy): the `niah` task's essay-like
 * filler repeated to the size, with the `niah` needle and the `linear` needle at their generated
 * depths. Three tables, in one run:
 *   1. a cold `rlm ask` over the largest file: time to the first model call, the process tree's
 *      peak RSS until then and over the whole run, and the `linear` regex scan's speed in Python,
 *      beside native CPython's `re` over the same bytes read from the file (target: at least half);
 *   2. the `linear` and `niah` questions answered by the simulated root at 1 MB (a str in memory)
 *      and at each size (lazy), scored the same way (target: the same scores).
 */

import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ContextFile } from "../../src/sandbox/context-file.js";
import type { UserRuntimeName } from "../../src/sandbox/runtimes.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import { code, lastStdout, turnOf } from "../../test/policies/conversation.js";
import { argument } from "../runner/command-line.js";
import { createBenchRlm, runRlm } from "../runner/index.js";
import { startSimulatedBackend } from "../runner/simulated-backend.js";
import { formatNumber, renderTable } from "../runner/table.js";
import { watchPeak } from "../system/process-memory.js";
import { formatSize as formatChars, parseSize } from "../tasks/index.js";
import { linearTask, niahTask } from "../tasks/niah.js";
import type { BenchQuestion } from "../tasks/types.js";

/** "10 GB", "1 MB": sizes here are decimal bytes, as `--sizes 10G` reads them. */
function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${bytes / 1e9} GB` : formatChars(bytes).replace("M", " MB");
}

const BINARY = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const SEED = 7;
const sizes = argument("sizes", "1G,10G").split(",").map(parseSize);
const runtimes = argument("runtimes", "pyodide,process").split(",") as UserRuntimeName[];
const directory = argument("dir", join(tmpdir(), "rlm-bench-lazy"));
mkdirSync(directory, { recursive: true });

/** The 1 MB instances: their questions, needles and filler. */
const linear = await linearTask.generate({ seed: SEED, chars: 1_000_000 });
const niah = await niahTask.generate({ seed: SEED, chars: 1_000_000 });
const linearQuestion = linear.questions[0] as BenchQuestion;
const niahQuestion = niah.questions[0] as BenchQuestion;

/** The sentence around `value` in `text`, and where it starts (as a fraction of the text). */
function needleOf(text: string, value: string): { sentence: string; depth: number } {
  const at = text.indexOf(value);
  const start = Math.max(text.lastIndexOf(". ", at) + 2, text.lastIndexOf("\n", at) + 1);
  const end = text.indexOf(".", at + value.length) + 1;
  return { sentence: text.slice(start, end), depth: start / text.length };
}

const niahText = niah.context as string;
const niahNeedle = needleOf(niahText, String(niahQuestion.expected.value));
const linearNeedle = needleOf(linear.context as string, String(linearQuestion.expected.value));
const filler = Buffer.from(niahText.replace(niahNeedle.sentence, ""), "utf8");

/** A file of `size` bytes: the filler repeated, both needles at their depths (kept for the next run). */
function fileOf(size: number): string {
  const path = join(directory, `needles-${size}-s${SEED}.txt`);
  if (existsSync(`${path}.done`) && statSync(path).size >= size) return path;
  process.stderr.write(`writing ${path} (${formatSize(size)}) ... `);
  const needles = [niahNeedle, linearNeedle]
    .map((needle) => ({ at: Math.floor(needle.depth * size), text: Buffer.from(` ${needle.sentence} `) }))
    .sort((a, b) => a.at - b.at);
  const fd = openSync(path, "w");
  let written = 0;
  while (written < size) {
    const next = needles[0];
    if (next !== undefined && written >= next.at) {
      written += writeSync(fd, next.text);
      needles.shift();
      continue;
    }
    const room = Math.min(
      filler.length,
      size - written,
      next === undefined ? Infinity : next.at - written + 1,
    );
    written += writeSync(fd, filler, 0, Math.max(1, room));
  }
  closeSync(fd);
  writeFileSync(`${path}.done`, "");
  process.stderr.write("done\n");
  return path;
}

const files = new Map(sizes.map((size) => [size, fileOf(size)] as const));
const largest = Math.max(...sizes);
const largestFile = files.get(largest) as string;
const PATTERN = "magic number is (\\d+)";

/** Native CPython over the same bytes: read in 8 MB pieces, decode, `re.findall` (the floor to beat by half). */
async function nativeScan(path: string): Promise<{ seconds: number; found: string }> {
  const script = [
    "import re, sys, time",
    "pattern = re.compile(sys.argv[2], re.IGNORECASE)",
    "started, found = time.perf_counter(), []",
    "with open(sys.argv[1], 'rb') as file:",
    "    while True:",
    "        piece = file.read(8 << 20)",
    "        if not piece: break",
    "        found += pattern.findall(piece.decode('utf-8', 'replace'))",
    "print(time.perf_counter() - started, ','.join(found))",
  ].join("\n");
  const { stdout } = await promisify(execFile)("python3", ["-c", script, path, PATTERN], {
    maxBuffer: 1 << 20,
  });
  const [seconds, found] = stdout.trim().split(" ");
  return { seconds: Number(seconds), found: found ?? "" };
}

/** A cold `rlm ask` over `path`: first call, RSS, and the scan's own time measured in Python. */
async function coldRun(path: string, runtime: UserRuntimeName) {
  let firstCallAt: number | undefined;
  let scanSeconds = Number.NaN;
  const server = await startFakeOpenAI(
    (request) => {
      if (turnOf(request) === 1) {
        firstCallAt ??= performance.now();
        return {
          text: code(
            `import re, time\nstarted = time.perf_counter()\nfound = re.findall(r"${PATTERN}", context, flags=re.IGNORECASE)\nprint(round(time.perf_counter() - started, 3), ",".join(found))`,
          ),
        };
      }
      const [seconds, found] = lastStdout(request).trim().split(" ");
      scanSeconds = Number(seconds);
      return { text: `FINAL(${found ?? "nothing"})` };
    },
    { models: ["root"] },
  );
  const environment = {
    PATH: process.env.PATH ?? "",
    HOME: directory,
    RLM_MODEL: `openai-compatible:${server.url}/v1#root`,
    RLM_SUB_MODEL: `openai-compatible:${server.url}/v1#root`,
  };
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      BINARY,
      "ask",
      "Which is the magic number?",
      path,
      "--sandbox",
      runtime,
      "--timeout",
      "3600",
      "-q",
      "--no-check",
    ],
    { env: environment, stdio: ["ignore", "pipe", "pipe"] },
  );
  const whole = watchPeak(child.pid ?? 0, 20);
  const untilFirst = watchPeak(child.pid ?? 0, 20);
  let untilFirstPeak = 0;
  const firstWatch = setInterval(() => {
    if (firstCallAt !== undefined && untilFirstPeak === 0) untilFirstPeak = untilFirst.stop();
  }, 5);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const code_ = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(firstWatch);
  if (untilFirstPeak === 0) untilFirstPeak = untilFirst.stop();
  const peak = whole.stop();
  await server.close();
  if (code_ !== 0) throw new Error(`rlm ask exited ${code_}: ${stderr}`);
  return {
    firstMs: (firstCallAt ?? Number.NaN) - started,
    wallMs: performance.now() - started,
    untilFirstPeak,
    peak,
    scanSeconds,
    answer: stdout.trim(),
  };
}

const MB = 1024 * 1024;
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
console.log(`load average before: ${load()}`);

// 1. Cold first call, memory and scan speed over the largest file.
const native = await nativeScan(largestFile); // also brings the file into the page cache for everyone
const coldRows: string[][] = [];
for (const runtime of runtimes) {
  const run = await coldRun(largestFile, runtime);
  const ratio = native.seconds / run.scanSeconds;
  coldRows.push([
    `${runtime} (${formatSize(largest)})`,
    `${formatNumber(run.firstMs)} ms ${run.firstMs < 2000 ? "✓" : "✗"}`,
    `${formatNumber(run.untilFirstPeak / MB)} MB ${run.untilFirstPeak < 600 * MB ? "✓" : "✗"}`,
    `${formatNumber(run.peak / MB)} MB`,
    `${run.scanSeconds.toFixed(1)} s (${formatNumber(largest / 1e9 / run.scanSeconds, 2)} GB/s)`,
    `${native.seconds.toFixed(1)} s`,
    `${ratio.toFixed(2)} ${ratio >= 0.5 ? "✓" : "✗"}`,
    run.answer === String(linearQuestion.expected.value) ? "right" : `wrong: ${run.answer}`,
  ]);
}
console.log(
  renderTable(
    `Cold rlm ask over a ${formatSize(largest)} file (SIMULATED model; targets: first call < 2 s, RSS until then < 600 MB, scan >= 0.5 x native)`,
    [
      "sandbox",
      "first model call",
      "peak RSS until it",
      "peak RSS, whole run",
      "linear regex scan in Python",
      "native CPython re",
      "speed vs native",
      "answer",
    ],
    coldRows,
  ),
);

// 2. The same questions at 1 MB (in memory) and at each size (lazy), scored alike.
const backend = await startSimulatedBackend();
const scoreRows: string[][] = [];
for (const runtime of runtimes) {
  const settings = {
    simulated: true,
    model: backend.root,
    subModel: backend.sub,
    directModel: undefined,
    tasks: ["linear", "niah"],
    sizes,
    seed: SEED,
    samples: 1,
    maxDepth: 1,
    concurrency: 8,
    maxIterations: 10,
    runtime,
    directory: undefined,
    questions: undefined,
    prices: undefined,
    directWindow: undefined,
    out: directory,
    traceDirectory: join(directory, "traces"),
    timeoutMs: 3_600_000,
  };
  const rlm = createBenchRlm(settings);
  try {
    for (const [task, question, inMemory] of [
      ["linear", linearQuestion, linear.context],
      ["niah", niahQuestion, niah.context],
    ] as const) {
      const row = [`${task} (${runtime})`];
      for (const size of [1_000_000, ...sizes]) {
        const context = size === 1_000_000 ? inMemory : await ContextFile.open(files.get(size) as string);
        backend.pose(question);
        const run = await runRlm(rlm, settings, context, question, `${task}-${formatSize(size)}-${runtime}`);
        backend.server.requests.splice(0);
        row.push(`${run.score.toFixed(2)} (${(run.elapsedMs / 1000).toFixed(1)} s)`);
      }
      scoreRows.push(row);
    }
  } finally {
    await rlm.close();
  }
}
await backend.close();
console.log(
  renderTable(
    "Scores, SIMULATED root (1 MB: a str in memory; larger: a lazy context from disk; target: the same scores)",
    ["task", "1M", ...sizes.map((size) => `${formatSize(size)} (lazy)`)],
    scoreRows,
  ),
);
console.log(`load average after: ${load()}`);
