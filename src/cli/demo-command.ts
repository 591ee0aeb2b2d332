import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  generateIncidentLog,
  type IncidentLog,
  MAX_DEMO_SIZE,
  MIN_DEMO_SIZE,
  SCRIPTED_DEMO_SPEC,
  ScriptedDemoModel,
} from "../demo/index.js";
import { RlmError } from "../errors/index.js";
import type { CompletionResult } from "../rlm/types.js";
import { DEFAULT_RUNTIME, USER_RUNTIMES, type UserRuntimeName } from "../sandbox/runtimes.js";
import { EXIT } from "./exit-codes.js";
import { port } from "./parse-options.js";
import { ProgressDisplay } from "./progress.js";

/**
 * `rlm demo`: a whole run with no model server. It generates a service log with incidents planted
 * from a seed, runs one RLM completion over it with the SCRIPTED model of `src/demo` playing root
 * and sub-model (real Python in the real sandbox, real sub-calls, a real trajectory), prints the
 * answer, and says where the trajectory is and how to view it (`--view` serves it at once). The
 * banner on stderr says the models are scripted: this shows the machinery, not a model's accuracy.
 */

interface DemoOptionValues {
  size: number;
  seed: number;
  trace?: string;
  document?: string;
  view?: boolean;
  host?: string;
  port?: number;
  sandbox?: UserRuntimeName;
  verbose?: boolean;
  quiet?: boolean;
}

const DEFAULT_SIZE = 300_000;

/** `300000`, `300K`, `300KB`, `1.5M` (K = 1000 here: the size of a document, not a memory limit). */
function documentSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KM]?)B?$/i.exec(value.trim());
  const unit = { "": 1, K: 1_000, M: 1_000_000 }[(match?.[2] ?? "").toUpperCase()];
  const size = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!(size >= MIN_DEMO_SIZE && size <= MAX_DEMO_SIZE))
    throw new InvalidArgumentError(
      `Expected a size from ${MIN_DEMO_SIZE / 1000}K to ${MAX_DEMO_SIZE / 1_000_000}M characters, like 300K or 2M.`,
    );
  return size;
}

function seed(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 0xffff_ffff)
    throw new InvalidArgumentError("Expected a whole number from 0 to 4294967295.");
  return parsed;
}

export function addDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "a whole run on a generated log with a SCRIPTED built-in model (no model server): shows the machinery, not a model's accuracy",
    )
    .option("--size <chars>", "size of the generated log: 20K to 20M characters", documentSize, DEFAULT_SIZE)
    .option("--seed <n>", "seed of the generated log (what it says, where the incidents are)", seed, 1)
    .option("--trace <file>", "write the trajectory here (default: a new file under the temp directory)")
    .option("--document <file>", "also write the generated log to this file (to ask it with a real model)")
    .option("--view", "then serve the trajectory viewer on it, until Ctrl-C")
    .option("--host <host>", "with --view: address to listen on (default 127.0.0.1)")
    .option("-p, --port <port>", "with --view: port (default: a free one)", port)
    .addOption(
      new Option("--sandbox <runtime>", `Python runtime (default ${DEFAULT_RUNTIME})`).choices(USER_RUNTIMES),
    )
    .option("-v, --verbose", "show each reply, code block and output on stderr as it runs")
    .option("-q, --quiet", "no status line")
    .action(async (values: DemoOptionValues) => {
      process.exitCode = await demo(values);
    });
}

let viewerStarted = false;

/** Whether `rlm demo --view` started the viewer, which keeps the process running until Ctrl-C. */
export function demoKeepsRunning(): boolean {
  return viewerStarted;
}

/** A path as a shell word, for a command the user copies. */
function shellWord(path: string): string {
  return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function banner(log: IncidentLog, runtime: string): string {
  return [
    "rlm demo: SCRIPTED MODELS. This run shows the machinery, not a real model's accuracy.",
    `  The root and sub "models" (${SCRIPTED_DEMO_SPEC}) are a built-in script, not a language model: the root`,
    "  writes real Python over the document in the sandbox, one step per turn; the sub-model answers",
    "  each chunk by pattern-matching the text in its prompt. No model server, no network.",
    `  document: a generated service log, ${thousands(log.text.length)} characters (seed ${log.seed}), with ${log.incidents.length} incidents planted`,
    `  question: ${log.question}`,
    `  sandbox:  ${runtime}`,
    "",
  ].join("\n");
}

/** The planted incidents the answer names, with their cause. */
function incidentsFound(answer: string, log: IncidentLog): number {
  return log.incidents.filter((incident) => answer.includes(incident.id) && answer.includes(incident.cause))
    .length;
}

async function demo(values: DemoOptionValues): Promise<number> {
  const log = generateIncidentLog({ size: values.size, seed: values.seed });
  const runtime = values.sandbox ?? DEFAULT_RUNTIME;
  const tracePath = resolve(values.trace ?? join(mkdtempSync(join(tmpdir(), "rlm-demo-")), "demo.jsonl"));
  const stderr = process.stderr;
  if (values.document !== undefined) await writeFile(values.document, log.text);
  stderr.write(banner(log, runtime));

  const progress =
    values.quiet && !values.verbose
      ? undefined
      : new ProgressDisplay({
          write: (text) => stderr.write(text),
          interactive: stderr.isTTY === true,
          verbose: values.verbose === true,
          columns: stderr.columns,
          statusLine: values.quiet !== true,
        });
  const aborter = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    progress?.log("interrupted: stopping (Ctrl-C again to quit at once)");
    aborter.abort(new RlmError("aborted", "Interrupted."));
  };
  process.on("SIGINT", onInterrupt);

  let result: CompletionResult;
  try {
    const { RLM } = await import("../rlm/index.js");
    const rlm = new RLM({
      model: new ScriptedDemoModel(),
      limits: { maxIterations: 12, timeoutMs: 120_000 },
      sandbox: { runtime },
      // Free, and known to be: no "no price known" warning.
      pool: { prices: { [SCRIPTED_DEMO_SPEC]: { inputPerMillion: 0, outputPerMillion: 0 } } },
      trace: tracePath,
      onEvent: (event) => progress?.onEvent(event),
    });
    try {
      result = await rlm.completion(log.text, log.question, { signal: aborter.signal });
    } finally {
      await rlm.close();
    }
  } catch (error) {
    progress?.stop();
    stderr.write(`rlm demo: the trajectory up to the failure is in ${tracePath}\n`);
    throw error;
  } finally {
    progress?.stop();
    process.off("SIGINT", onInterrupt);
  }
  if (result.stopReason === "aborted") return EXIT.interrupted;

  process.stdout.write(result.answer.endsWith("\n") ? result.answer : `${result.answer}\n`);
  const found = incidentsFound(result.answer, log);
  const view = `rlm view ${shellWord(tracePath)}`;
  stderr.write(
    [
      "",
      `rlm demo: SCRIPTED run done: ${result.iterations} turns, ${result.subCalls} sub-calls, ${(result.elapsedMs / 1000).toFixed(1)} s. The answer names ${found} of the ${log.incidents.length} incidents planted for seed ${log.seed} (a check of the machinery, not of a model).`,
      `rlm demo: trajectory: ${tracePath}`,
      `rlm demo: to see every turn, code block and sub-call: ${view}`,
      ...(values.document !== undefined
        ? [
            `rlm demo: the log is in ${values.document}; ask it with a real model: rlm ask ${JSON.stringify(log.question)} ${shellWord(values.document)}`,
          ]
        : []),
      "",
    ].join("\n"),
  );
  const stopped = result.stopReason !== "answer";
  if (stopped)
    stderr.write(`rlm demo: stopped by ${result.stopReason} before the script submitted an answer.\n`);
  if (values.view) {
    const { runViewCommand } = await import("../viewer/index.js");
    await runViewCommand(tracePath, {
      host: values.host,
      port: values.port,
      write: (line) => stderr.write(`${line}\n`),
    });
    viewerStarted = true;
  }
  return stopped ? EXIT.limit : EXIT.ok;
}
