import type { Command } from "commander";
import { Option } from "commander";
import { RlmError } from "../errors/index.js";
import { readInputs } from "../inputs/index.js";
import { USER_RUNTIMES, type UserRuntimeName } from "../sandbox/runtimes.js";
import type { ContextInput } from "../sandbox/types.js";
import { readTrajectory } from "../trace/index.js";
import { EXIT } from "./exit-codes.js";
import { ProgressDisplay } from "./progress.js";
import { readStdin } from "./read-stdin.js";

/**
 * `rlm replay run.jsonl [paths...]`: runs a recorded run again with no model server (every model
 * call answered from the trajectory, the code run again in a fresh sandbox), prints its answer,
 * and exits 0 when it reproduced the record, or 7 with the first difference as a diff on stderr.
 * Inputs: the paths given, else the context recorded in the file, else the paths it records.
 */

interface ReplayOptionValues {
  json?: boolean;
  trace?: string;
  verbose?: boolean;
  quiet?: boolean;
  sandbox?: UserRuntimeName;
}

export function addReplayCommand(program: Command): void {
  program
    .command("replay")
    .description("re-run a recorded trajectory with no model server and check it reproduces")
    .argument("<trajectory>", "a JSONL trajectory written by `rlm ask --trace` or `rlm serve --trace-dir`")
    .argument("[paths...]", "the inputs, when they are not the ones it records (or - for stdin)")
    .option("--json", "print the result as JSON on stdout")
    .option("--trace <file>", "write the replay's own trajectory to this file")
    .option("-v, --verbose", "show each code block and its output on stderr as it runs")
    .option("-q, --quiet", "no progress display")
    .addOption(
      new Option("--sandbox <runtime>", "Python runtime (default: the recorded one)").choices(USER_RUNTIMES),
    )
    .action(async (path: string, paths: string[], values: ReplayOptionValues) => {
      process.exitCode = await replayCommand(path, paths, values);
    });
}

async function replayCommand(path: string, paths: string[], values: ReplayOptionValues): Promise<number> {
  const context = await contextFor(path, paths);
  const stderr = process.stderr;
  const progress = values.quiet
    ? undefined
    : new ProgressDisplay({
        write: (text) => stderr.write(text),
        interactive: stderr.isTTY === true,
        verbose: values.verbose === true,
        columns: stderr.columns,
      });
  const { replay } = await import("../rlm/index.js");
  let replayed: Awaited<ReturnType<typeof replay>>;
  try {
    replayed = await replay(path, {
      ...(context !== undefined ? { context } : {}),
      ...(values.sandbox ? { sandbox: { runtime: values.sandbox } } : {}),
      ...(values.trace ? { trace: values.trace } : {}),
      onEvent: (event) => progress?.onEvent(event),
    });
  } finally {
    progress?.stop();
  }
  const { result, reproduced, report, replayedCalls } = replayed;
  if (values.json) {
    const { failure: _failure, ...shown } = result;
    const body = { reproduced, replayedCalls, difference: replayed.difference ?? null, result: shown };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (result.answer !== "") {
    process.stdout.write(result.answer.endsWith("\n") ? result.answer : `${result.answer}\n`);
  }
  if (!reproduced) {
    const unfinished = replayed.recorded.result === undefined ? " (the recorded run did not finish)" : "";
    stderr.write(`rlm: the replay did not reproduce ${path}${unfinished}.\n${report ?? ""}\n`);
    return EXIT.diverged;
  }
  stderr.write(
    `rlm: reproduced ${path}: ${replayedCalls} model calls answered from the record, none sent.\n`,
  );
  return EXIT.ok;
}

/** The paths given; else none (the recorded context is used); else the recorded paths, read again. */
async function contextFor(path: string, paths: string[]): Promise<ContextInput | undefined> {
  const [run] = (await readTrajectory(path)).runs;
  // The inputs are read as the run read them: lazily (from disk) or whole, whatever their size now.
  const lazy = run?.metadata.context.lazy === true;
  const read = (specs: string[]) =>
    readInputs(specs, { readStdin, stdinIsTerminal: process.stdin.isTTY === true, lazy }).then(
      (input) => input.context,
    );
  if (paths.length > 0) return read(paths);
  if (run?.metadata.context_value !== undefined) return undefined;
  const inputs = run?.metadata.inputs;
  if (inputs === undefined) {
    throw new RlmError("resume-mismatch", `${path} records neither its inputs nor its context.`, {
      hint: "Give the inputs after the trajectory: rlm replay run.jsonl notes.md",
    });
  }
  return read(inputs);
}
