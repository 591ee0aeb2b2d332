import { resolve } from "node:path";
import type { Command } from "commander";
import { resolveConfig } from "../config/index.js";
import { RlmError } from "../errors/index.js";
import { EXIT } from "./exit-codes.js";
import { positiveInteger } from "./parse-options.js";
import { preflight } from "./preflight.js";
import { rlmOptionsFrom } from "./rlm-options.js";
import { addRunOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/**
 * `rlm batch tasks.jsonl --out results.jsonl`: one task per line (rlm or OpenAI Batch format), one
 * result line per id. Embedded by default (`--parallel` completions in this process on one shared
 * model pool); with `--queue redis://...` the tasks go to BullMQ and `rlm worker` processes on any
 * machine run them while this command collects the results. Running the same command again skips
 * the ids already in the results file and resumes interrupted tasks.
 */

interface BatchOptionValues extends SharedOptionValues {
  out: string;
  parallel?: number;
  traceDir?: string;
  retryFailed?: boolean;
  queue?: string;
  queueName?: string;
  quiet?: boolean;
  check?: boolean;
}

export function addBatchCommand(program: Command): void {
  const command = program
    .command("batch")
    .description("run every task of a JSONL file (rlm or OpenAI Batch lines) into a results file; resumable")
    .argument("<tasks>", "tasks file: one JSON task per line")
    .requiredOption("-o, --out <file>", "results file (JSONL, appended; a rerun skips the ids it has)")
    .option("--parallel <n>", "tasks at once in this process (default 4; not with --queue)", positiveInteger)
    .option("--trace-dir <dir>", "each task's trajectory, <dir>/<id>-<hash>.jsonl (default <out>.traces)")
    .option("--retry-failed", "run again the tasks whose line in the results file is a failure")
    .option(
      "--queue <url>",
      "enqueue on BullMQ at this Redis (redis://host:6379/0); `rlm worker`s run the tasks",
    )
    .option("--queue-name <name>", "BullMQ queue name (default rlm-batch)")
    .option("-q, --quiet", "no progress on stderr")
    .option("--no-check", "skip checking the backends before starting");
  addRunOptions(command).action(async (tasksPath: string, values: BatchOptionValues) => {
    process.exitCode = await batch(tasksPath, values);
  });
}

async function batch(tasksPath: string, values: BatchOptionValues): Promise<number> {
  if (values.queue !== undefined && values.parallel !== undefined) {
    throw new RlmError(
      "usage",
      "--parallel is for the embedded mode; with --queue, each worker has its own.",
      {
        hint: "Give --parallel to `rlm worker` instead.",
      },
    );
  }
  const {
    BatchProgress,
    DEFAULT_QUEUE_NAME,
    ResultsFile,
    batchPool,
    checkQueueUrl,
    readTaskFile,
    runEmbedded,
    runQueued,
  } = await import("../batch/index.js");
  if (values.queue !== undefined) checkQueueUrl(values.queue);
  const config = await resolveConfig(toConfigFlags(values));
  const file = await readTaskFile(tasksPath);
  const results = ResultsFile.open(values.out, { dropFailed: values.retryFailed === true });
  const stderr = process.stderr;
  const pending = file.tasks.filter((task) => !results.has(task.id)).length;
  const invalidPending = file.invalid.filter((line) => !results.has(line.id)).length;
  const progress = values.quiet
    ? undefined
    : new BatchProgress({
        write: (text) => stderr.write(text),
        interactive: stderr.isTTY === true,
        total: pending + invalidPending,
        skipped: file.tasks.length + file.invalid.length - pending - invalidPending,
      });
  const aborter = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    progress?.log(
      "interrupted: stopping; run the same command again to go on (Ctrl-C again to quit at once)",
    );
    aborter.abort(new RlmError("aborted", "Interrupted."));
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    let summary: Awaited<ReturnType<typeof runEmbedded>>;
    if (values.queue !== undefined) {
      summary = await runQueued({
        url: values.queue,
        queueName: values.queueName ?? DEFAULT_QUEUE_NAME,
        tasks: file.tasks,
        invalid: file.invalid,
        results,
        model: config.model,
        signal: aborter.signal,
        ...(progress ? { progress } : {}),
      });
    } else {
      if (values.check !== false && pending > 0) await preflight(config);
      const rlm = rlmOptionsFrom(config);
      const pool = batchPool(rlm);
      try {
        summary = await runEmbedded({
          tasks: file.tasks,
          invalid: file.invalid,
          results,
          parallel: values.parallel ?? 4,
          signal: aborter.signal,
          ...(progress ? { progress } : {}),
          environment: {
            rlm,
            poolFor: () => pool.forRun(),
            traceDirectory: resolve(values.traceDir ?? `${values.out}.traces`),
            maxInputBytes: config.maxInputBytes,
          },
        });
      } finally {
        await pool.close();
      }
    }
    progress?.stop();
    if (summary.left > 0) {
      stderr.write(
        values.queue !== undefined
          ? `rlm batch: ${summary.left} tasks not collected yet (the workers go on); run the same command again to collect them.\n`
          : `rlm batch: ${summary.left} tasks not finished; run the same command again to resume them.\n`,
      );
      return EXIT.interrupted;
    }
    if (results.failedCount > 0) {
      stderr.write(
        `rlm batch: ${results.failedCount} of ${results.size} tasks failed (see their lines in ${values.out}; --retry-failed runs them again).\n`,
      );
      return EXIT.tasksFailed;
    }
    return EXIT.ok;
  } finally {
    progress?.stop();
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}
