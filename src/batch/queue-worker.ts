/**
 * A queue worker (`rlm worker --queue redis://...`): takes batch jobs from BullMQ, `parallel` at
 * once, and runs each task with this machine's models, limits and sandbox on one shared model pool.
 * Each task's replies are also kept in Redis (`RedisReplyStore`), so when a worker dies mid-task
 * (`kill -9`) and BullMQ's stalled-job check hands the job to another worker once its lock has
 * expired (`lockDurationMs`, checked every `stalledIntervalMs`), the calls already answered are not
 * paid again. A task's own failure completes its job with a failed outcome; only a worker that
 * stops mid-task throws, so the job is tried again.
 */

import { join } from "node:path";
import { Worker } from "bullmq";
import { batchPool } from "./pools.js";
import type { QueuedTask } from "./queue-job.js";
import { connectRedis } from "./redis.js";
import { RedisReplyStore } from "./redis-reply-store.js";
import { runTask, type TaskEnvironment } from "./run-task.js";
import { isFailed, type TaskOutcome } from "./task.js";

export interface QueueWorkerOptions {
  url: string;
  queueName: string;
  parallel: number;
  environment: Omit<TaskEnvironment, "poolFor">;
  /** How long a job's lock lasts without renewal: a dead worker's jobs are taken again after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default 30 s. */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails. Default 2. */
  maxStalledCount?: number;
  log?(text: string): void;
}

export interface QueueWorker {
  /** Stops taking jobs; `force`: at once, leaving running tasks to other workers (they stall). */
  close(force?: boolean): Promise<void>;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const redis = await connectRedis(options.url);
  const { environment } = options;
  const shared = batchPool(environment.rlm);
  const stopping = new AbortController();
  const worker = new Worker<QueuedTask, TaskOutcome>(
    options.queueName,
    async (job) => {
      const jobId = job.id ?? job.data.task.id;
      const store = new RedisReplyStore(redis, jobId);
      const started = performance.now();
      const outcome = await runTask(
        job.data.task,
        {
          ...environment,
          traceDirectory: join(environment.traceDirectory, job.data.batch),
          poolFor: () => shared.forRun(store),
        },
        stopping.signal,
      );
      if (outcome === undefined) throw new Error("The worker stopped before the task ended.");
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      options.log?.(
        `${isFailed(outcome) ? "failed" : "done"} ${outcome.id} in ${seconds}s${outcome.error ? `: ${outcome.error.message}` : ""}`,
      );
      return outcome;
    },
    {
      connection: redis.duplicate(),
      concurrency: options.parallel,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      autorun: true,
    },
  );
  worker.on("error", (error) => options.log?.(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  return {
    async close(force = false) {
      if (force) stopping.abort();
      await worker.close(force);
      await shared.close();
      redis.disconnect();
    },
  };
}
