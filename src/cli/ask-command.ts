import { type Command, Option } from "commander";
import { resolveConfig } from "../config/index.js";
import { RlmError } from "../errors/index.js";
import { readInputs } from "../inputs/index.js";
import type { CompletionResult } from "../rlm/types.js";
import { EXIT } from "./exit-codes.js";
import { preflight } from "./preflight.js";
import { ProgressDisplay } from "./progress.js";
import { readStdin } from "./read-stdin.js";
import { rlmOptionsFrom } from "./rlm-options.js";
import { addRunOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/**
 * `rlm ask "question" [paths...|-]`: reads the inputs, checks the backends, runs one RLM completion
 * with a progress display on stderr, and prints the answer (or the full result as JSON) on stdout.
 */

interface AskOptionValues extends SharedOptionValues {
  json?: boolean;
  trace?: string;
  verbose?: boolean;
  quiet?: boolean;
  check?: boolean;
  resume?: string;
  recordContext?: boolean;
  lazyContext?: boolean;
}

export function addAskCommand(program: Command): void {
  const command = program
    .command("ask")
    .description("answer a question over files, directories, globs or stdin")
    .argument("<question>", "the question")
    .argument("[paths...]", "files, directories, quoted globs ('docs/**/*.md'), or - for stdin")
    .option("--json", "print the full result as JSON on stdout")
    .option("--trace <file>", "write the trajectory as JSONL to this file")
    .option(
      "--resume <file>",
      "continue the run this trajectory recorded (killed, or stopped by a limit): same question and inputs",
    )
    .option("--record-context", "also write the inputs into the trajectory (up to 16 MB), for `rlm replay`")
    .option(
      "--lazy-context",
      "read the files from disk as Python goes, whatever their size (automatic above RLM_LAZY_CONTEXT_BYTES, default 256 MB)",
    )
    .option("-v, --verbose", "show each reply, code block, output and note to the model on stderr as it runs")
    .option(
      "-q, --quiet",
      "no status line (it says what runs: checking the backends, starting the sandbox, loading the context, then turn, sub-calls, tokens, cost, time)",
    )
    .addOption(new Option("--no-check", "skip checking the backends before starting"));
  addRunOptions(command).action(async (question: string, paths: string[], values: AskOptionValues) => {
    process.exitCode = await ask(question, paths, values);
  });
}

async function ask(question: string, paths: string[], values: AskOptionValues): Promise<number> {
  if (question.trim() === "") {
    throw new RlmError("usage", "The question is empty.", {
      hint: 'Ask something: rlm ask "What is this about?" notes.md',
    });
  }
  if (values.resume !== undefined && values.trace !== undefined && values.trace !== values.resume) {
    throw new RlmError(
      "usage",
      "--resume appends to the trajectory it resumes; --trace cannot name another.",
      {
        hint: `Leave out --trace (the run goes on in ${values.resume}).`,
      },
    );
  }
  const config = await resolveConfig(toConfigFlags(values));
  const input = await readInputs(paths, {
    readStdin,
    stdinIsTerminal: process.stdin.isTTY === true,
    maxTotalBytes: config.maxInputBytes,
    lazyAboveBytes: config.lazyContextBytes,
    ...(values.lazyContext === true ? { lazy: true } : {}),
  });
  const stderr = process.stderr;
  // -q hides the status line; with -v the verbose output still shows.
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
  if (values.check !== false) {
    progress?.setStep("checking the backends");
    await preflight(config).catch((error: unknown) => {
      progress?.stop();
      throw error;
    });
  }
  for (const skipped of input.skipped) progress?.log(`skipped ${skipped.name} (${skipped.reason})`);

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
    // Imported here so that `rlm --help` and input errors do not pay for loading the engine.
    const { RLM } = await import("../rlm/index.js");
    const rlm = new RLM({
      ...rlmOptionsFrom(config),
      ...(values.trace ? { trace: values.trace } : {}),
      ...(values.recordContext ? { recordContext: true } : {}),
      onEvent: (event) => progress?.onEvent(event),
    });
    result = await rlm.completion(input.context, question, {
      signal: aborter.signal,
      // As given: `rlm replay` reads them again from the same folder.
      inputs: paths.length > 0 ? paths : ["-"],
      ...(values.resume !== undefined ? { resume: values.resume } : {}),
    });
  } catch (error) {
    // The run failed with no answer: its code picks the exit code; say where its steps are kept.
    const tracePath = (error as { result?: CompletionResult }).result?.tracePath;
    progress?.stop();
    if (tracePath !== undefined) stderr.write(`rlm: the trajectory up to the failure is in ${tracePath}\n`);
    throw error;
  } finally {
    progress?.stop();
    process.off("SIGINT", onInterrupt);
  }

  // Said even with -q: the path is what `rlm view` needs next (a resumed run's file was named by the user).
  if (values.trace !== undefined && result.tracePath !== undefined) {
    stderr.write(`rlm: trajectory in ${result.tracePath} (open it with: rlm view ${result.tracePath})\n`);
  }
  if (result.stopReason === "aborted") return EXIT.interrupted;
  if (values.json) {
    const { failure: _failure, ...shown } = result;
    process.stdout.write(
      `${JSON.stringify({ ...shown, inputs: input.files, skipped: input.skipped }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(result.answer.endsWith("\n") ? result.answer : `${result.answer}\n`);
  }
  if (result.stopReason !== "answer") {
    // A best-answer call that failed (a hung backend past the grace) leaves no answer: say why.
    const after =
      result.answer === "" && result.error !== undefined
        ? `there is no best answer: ${result.error}`
        : "printed its best answer so far.";
    stderr.write(`rlm: stopped by ${result.stopReason} before the model submitted an answer; ${after}\n`);
    return EXIT.limit;
  }
  return EXIT.ok;
}
