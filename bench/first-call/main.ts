/**
 * First-call bench (issue 17, point 3): how long a cold `rlm ask` process takes to send its first
 * request to the root model, per sandbox runtime. The model is SIMULATED (a fake OpenAI-compatible
 * server on 127.0.0.1 answering from a script); the clock runs from spawning the process to the
 * server receiving the first chat request, then the run goes on (one code block, FINAL) and its
 * whole wall time is reported too. Beside it, in the same run: a bare `node` process (the floor)
 * and the sandbox's own cold start (create + first exec), which the first call no longer waits
 * for: the sandbox boots while the root model reads the first message.
 *
 *   npm run build && node --import tsx bench/first-call/main.ts [--runs 5] [--before DIR]
 *
 * `--before DIR` times a second checkout's build (for example the commit before a change) in the
 * same run, alternating with this one.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapAvailable, bwrapCommand, createSandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import { code, lastStdout, turnOf } from "../../test/policies/conversation.js";
import { argument, median, optionalArgument } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";

const BINARY = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const TARGET_MS = 300;
/** Quoted from issue 17 (the official Python rlm has no sandbox); not measured here: it cannot be installed offline. */
const OFFICIAL_FIRST_CALL = "5-30 ms (quoted, not measured here)";

const runs = Math.max(1, Number(argument("runs", "5")));
/** `--before DIR`: also time the built `rlm` of another checkout (`DIR/dist/...`), side by side. */
const before = optionalArgument("before");
const home = mkdtempSync(join(tmpdir(), "rlm-bench-first-call-"));
const document = join(home, "notes.md");
writeFileSync(document, "The vault code is 4471.\n".repeat(1_000));

let firstCallAt: number | undefined;
const server = await startFakeOpenAI(
  (request) => {
    if (turnOf(request) === 1) {
      firstCallAt ??= performance.now();
      return { text: code("print(len(context))") };
    }
    return { text: `FINAL(${lastStdout(request)})` };
  },
  { models: ["root"] },
);
const spec = `openai-compatible:${server.url}/v1#root`;

/** Spawns `args` under node; resolves with the time to the first chat request and to exit. */
function timeProcess(
  args: string[],
  environment: Record<string, string>,
): Promise<{ first?: number; exit: number }> {
  firstCallAt = undefined;
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: environment, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.on("close", (status) => {
      if (status !== 0) reject(new Error(`exit ${status}: ${stderr}`));
      const first = firstCallAt === undefined ? undefined : firstCallAt - started;
      resolve({ ...(first !== undefined ? { first } : {}), exit: performance.now() - started });
    });
  });
}

function configFor(sandbox: SandboxOptions | undefined): string {
  const path = join(home, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(sandbox ? { sandbox } : {}));
  return path;
}

const environment = { PATH: process.env.PATH ?? "", HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
const runtimes: { label: string; sandbox: SandboxOptions | undefined }[] = [
  { label: "pyodide (default)", sandbox: undefined },
  { label: "process (python3)", sandbox: { runtime: "process" } },
];
// The launcher binds this checkout's Python driver only: no bubblewrap row beside `--before`.
if (bwrapAvailable() && before === undefined) {
  runtimes.push({
    label: "process under bubblewrap",
    sandbox: { runtime: "process", command: bwrapCommand() },
  });
}

const rows: string[][] = [];
const floor: number[] = [];
for (let run = 0; run < runs; run++) floor.push((await timeProcess(["-e", ""], environment)).exit);
rows.push(["node -e '' (process floor)", "-", `${formatNumber(median(floor))} ms`, "-", "-"]);

const binaries: { name: string; path: string }[] = [{ name: "this build", path: BINARY }];
if (before) binaries.push({ name: "before", path: join(before, "dist", "src", "cli", "main.js") });

for (const { label, sandbox } of runtimes) {
  const config = configFor(sandbox);
  const ask = (binary: string) => [
    binary,
    "ask",
    "What is the code?",
    document,
    "--config",
    config,
    "-q",
    "-m",
    spec,
    "-s",
    spec,
  ];
  const first = new Map<string, number[]>(binaries.map(({ name }) => [name, []]));
  const whole = new Map<string, number[]>(binaries.map(({ name }) => [name, []]));
  // One run of each first, not counted: the start-up snapshot is made once per cache directory.
  for (const { path } of binaries) await timeProcess(ask(path), environment);
  // Alternated, so that a change in the machine's speed weighs on both alike.
  for (let run = 0; run < runs; run++) {
    for (const { name, path } of binaries) {
      const timed = await timeProcess(ask(path), environment);
      if (timed.first !== undefined) first.get(name)?.push(timed.first);
      whole.get(name)?.push(timed.exit);
    }
  }
  const boots: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const box = await createSandbox({ ...sandbox, spareWorker: false });
    await box.exec("x = 1");
    boots.push(performance.now() - started);
    await box.close();
  }
  for (const { name } of binaries) {
    const firstMs = median(first.get(name) ?? []);
    rows.push([
      `rlm ask, ${label}${binaries.length > 1 ? ` (${name})` : ""}`,
      `${formatNumber(firstMs)} ms`,
      `${formatNumber(median(whole.get(name) ?? []))} ms`,
      `${formatNumber(median(boots))} ms`,
      firstMs < TARGET_MS ? `ok (< ${TARGET_MS} ms)` : `MISSED (< ${TARGET_MS} ms)`,
    ]);
  }
}
rows.push(["official rlm (no sandbox)", OFFICIAL_FIRST_CALL, "-", "-", "-"]);

await server.close();
const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
console.log(
  renderTable(
    `First model call of a cold process (SIMULATED model, fake server on 127.0.0.1), median of ${runs}; ${availableParallelism()} CPUs, load average ${one} ${five} ${fifteen}`,
    ["what", "to first model call", "whole run", "sandbox cold start (in-process)", "target"],
    rows,
  ),
);
