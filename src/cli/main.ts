#!/usr/bin/env node
/**
 * The `rlm` command: `ask` (answer a question over files or stdin), `batch` (a file of tasks, in
 * this process or on workers), `demo` (a whole run with a
 * scripted model, no server), `doctor` (check the setup), `mcp` (a Model Context Protocol server on
 * stdio), `replay` (re-run a recorded trajectory with no model), `serve` (an OpenAI-compatible
 * server), `view` (the trajectory viewer), `worker` (runs
 * queued batch tasks). Every failure ends here: the error's message and hint on
 * stderr (or as JSON with --json) and an exit code from `exit-codes.ts`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isRlmError } from "../errors/index.js";
import { snapshotWritesSettled } from "../sandbox/index.js";
import { addAskCommand } from "./ask-command.js";
import { addBatchCommand } from "./batch-command.js";
import { addDemoCommand, demoKeepsRunning } from "./demo-command.js";
import { addDoctorCommand } from "./doctor-command.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { addMcpCommand } from "./mcp-command.js";
import { addReplayCommand } from "./replay-command.js";
import { addServeCommand } from "./serve-command.js";
import { addViewCommand } from "./view-command.js";
import { addWorkerCommand } from "./worker-command.js";

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function report(error: unknown, asJson: boolean): number {
  const code = exitCodeFor(error);
  if (asJson && isRlmError(error)) {
    const body = {
      error: { code: error.code, message: error.message, hint: error.hint ?? null, exitCode: code },
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  if (isRlmError(error)) {
    process.stderr.write(`rlm: ${error.describe()}\n`);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(
      `rlm: unexpected error: ${detail}\n  → This is a bug; please report it with the command you ran.\n`,
    );
  }
  return code;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("rlm")
    .description(
      "Recursive Language Models: answer questions over inputs far longer than a model's context window.",
    )
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  addAskCommand(program);
  addBatchCommand(program);
  addDemoCommand(program);
  addDoctorCommand(program);
  addMcpCommand(program, packageVersion());
  addReplayCommand(program);
  addServeCommand(program);
  addViewCommand(program);
  addWorkerCommand(program);
  try {
    await program.parseAsync(argv);
    // `serve`, `view` and `demo --view` keep running; every other command is done once its action
    // returns (`mcp`'s returns when stdin closes).
    if (program.args[0] === "serve" || program.args[0] === "view" || demoKeepsRunning()) return;
  } catch (error) {
    // Commander printed its own message already; --help and --version are not failures.
    if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    else process.exitCode = report(error, argv.includes("--json"));
  }
  await exitAfterFlush();
}

/** How long a finished command waits for the sandbox's start-up snapshot to be stored. */
const SNAPSHOT_WAIT_MS = 15_000;

/**
 * Exits once stdout and stderr have flushed and a start-up snapshot being stored is stored:
 * keep-alive sockets and sandbox workers must not keep a finished command alive, a piped answer
 * must not be cut short by exiting early, and a snapshot cut short would make every later cold
 * start pay the full boot (and leave a temporary file in the cache).
 */
async function exitAfterFlush(): Promise<never> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    snapshotWritesSettled(),
    new Promise((resolve) => {
      timer = setTimeout(resolve, SNAPSHOT_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  await Promise.all(
    [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))),
  );
  process.exit(process.exitCode ?? EXIT.ok);
}

await main(process.argv);
