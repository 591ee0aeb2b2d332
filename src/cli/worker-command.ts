import { resolve } from "node:path";
import type { Command } from "commander";
import { resolveConfig } from "../config/index.js";
import { duration, positiveInteger } from "./parse-options.js";
import { preflight } from "./preflight.js";
import { rlmOptionsFrom } from "./rlm-options.js";
import { addRunOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/**
 * `rlm worker --queue redis://host:6379/0`: runs the tasks `rlm batch --queue` enqueued, with this
 * machine's models, limits and sandbox, `--parallel` at once, until Ctrl-C (finish the running
 * tasks, take no more) or a second Ctrl-C (quit at once: those tasks go back to the queue after
 * `--lock-duration`, and another worker runs them).
 */

interface WorkerOptionValues extends SharedOptionValues {
  queue: string;
  queueName?: string;
  parallel?: number;
  traceDir?: string;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalled?: number;
  quiet?: boolean;
  check?: boolean;
}

export function addWorkerCommand(program: Command): void {
  const command = program
    .command("worker")
    .description("run the tasks of `rlm batch --queue` from BullMQ on Redis, until Ctrl-C")
    .requiredOption("--queue <url>", "the Redis of the batch (redis://host:6379/0)")
    .option("--queue-name <name>", "BullMQ queue name (default rlm-batch)")
    .option("--parallel <n>", "tasks at once in this worker (default 4)", positiveInteger)
    .option(
      "--trace-dir <dir>",
      "where this worker writes the tasks' trajectories (default ./rlm-worker-traces)",
    )
    .option(
      "--lock-duration <duration>",
      "a job's lock; a dead worker's tasks go to another worker after it (default 30s)",
      duration,
    )
    .option(
      "--stalled-interval <duration>",
      "how often dead workers' jobs are looked for (default 30s)",
      duration,
    )
    .option(
      "--max-stalled <n>",
      "times a task may lose its worker before it fails (default 2)",
      positiveInteger,
    )
    .option("-q, --quiet", "no line per finished task on stderr")
    .option("--no-check", "skip checking the backends at start");
  addRunOptions(command).action(async (values: WorkerOptionValues) => {
    const { DEFAULT_QUEUE_NAME, checkQueueUrl, startQueueWorker } = await import("../batch/index.js");
    checkQueueUrl(values.queue);
    const config = await resolveConfig(toConfigFlags(values));
    if (values.check !== false) await preflight(config);
    const stderr = process.stderr;
    const queueName = values.queueName ?? DEFAULT_QUEUE_NAME;
    const worker = await startQueueWorker({
      url: values.queue,
      queueName,
      parallel: values.parallel ?? 4,
      environment: {
        rlm: rlmOptionsFrom(config),
        traceDirectory: resolve(values.traceDir ?? "rlm-worker-traces"),
        maxInputBytes: config.maxInputBytes,
      },
      ...(values.lockDuration !== undefined ? { lockDurationMs: values.lockDuration } : {}),
      ...(values.stalledInterval !== undefined ? { stalledIntervalMs: values.stalledInterval } : {}),
      ...(values.maxStalled !== undefined ? { maxStalledCount: values.maxStalled } : {}),
      log: (text) => {
        if (!values.quiet || text.startsWith("queue error")) stderr.write(`rlm worker: ${text}\n`);
      },
    });
    stderr.write(
      `rlm worker: taking tasks from queue ${queueName} (${values.parallel ?? 4} at once, model ${config.model}, sub-model ${config.subModel})\n`,
    );
    await new Promise<void>((done) => {
      let stops = 0;
      const stop = (): void => {
        stops++;
        const force = stops > 1;
        stderr.write(
          force
            ? "rlm worker: quitting now; its running tasks go back to the queue\n"
            : "rlm worker: finishing the running tasks (Ctrl-C again to quit at once)\n",
        );
        void worker.close(force).then(done, done);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  });
}
