/**
 * The queued batch, submitter side (`rlm batch --queue redis://...`): enqueues each task not yet in
 * the results file as a BullMQ job, then collects results as workers finish them, into the same
 * results file the embedded mode writes. `QueueEvents` wakes the collector when a job of this batch
 * completes; a sweep over the pending jobs every `sweepMs` also finds what finished while no
 * collector listened (a rerun after a crash collects them at once). A collected job is removed from
 * Redis after its line is written, so a rerun neither writes it twice nor runs it again.
 *
 * Retries: a job whose processor throws (not a task's own failure, which completes with a failed
 * outcome) is retried `attempts` times with backoff; a worker that dies is BullMQ's stalled-job
 * recovery, on the workers' side.
 */

import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { type BatchSummary, invalidOutcome, pendingTasks } from "./embedded.js";
import type { BatchProgress } from "./progress.js";
import { batchKeyOf, jobBytes, jobIdOf, MAX_JOB_BYTES, type QueuedTask } from "./queue-job.js";
import { connectRedis } from "./redis.js";
import { replyKeyPrefix } from "./redis-reply-store.js";
import { resultLine } from "./result-line.js";
import type { ResultsFile } from "./results-file.js";
import { type BatchTask, type InvalidLine, isFailed, outcomeWithoutRun, type TaskOutcome } from "./task.js";

export interface QueuedBatch {
  url: string;
  queueName: string;
  tasks: BatchTask[];
  invalid: InvalidLine[];
  results: ResultsFile;
  /** The root model spec, for lines that never ran (the workers' own spec is in their results). */
  model: string;
  signal: AbortSignal;
  progress?: BatchProgress;
  /** Between two sweeps of the pending jobs. Default 1000 ms. */
  sweepMs?: number;
  /** Tries per job when its processor throws. Default 3. */
  attempts?: number;
}

/** Deletes a finished task's replies kept in Redis (they would expire after a week anyway). */
async function dropReplies(redis: Redis, jobId: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${replyKeyPrefix(jobId)}*`, "COUNT", 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export async function runQueued(batch: QueuedBatch): Promise<BatchSummary> {
  const redis = await connectRedis(batch.url);
  const events = new QueueEvents(batch.queueName, { connection: redis.duplicate() });
  const queue = new Queue<QueuedTask, TaskOutcome>(batch.queueName, { connection: redis });
  try {
    return await submitAndCollect(batch, queue, events, (jobId) => dropReplies(redis, jobId));
  } finally {
    await events.close();
    await queue.close();
    redis.disconnect();
  }
}

async function submitAndCollect(
  batch: QueuedBatch,
  queue: Queue<QueuedTask, TaskOutcome>,
  events: QueueEvents,
  answered: (jobId: string) => Promise<void>,
): Promise<BatchSummary> {
  const key = batchKeyOf(batch.results.path);
  const skipped = batch.tasks.length - pendingTasks(batch.tasks, batch.results).length;
  let written = 0;
  let failed = 0;
  const write = (task: Pick<BatchTask, "id" | "format" | "model">, outcome: TaskOutcome): void => {
    const taskFailed = isFailed(outcome);
    if (!batch.results.append(task.id, resultLine(outcome, task.format, task.model), taskFailed)) return;
    written++;
    if (taskFailed) failed++;
    batch.progress?.finished(outcome);
  };
  for (const line of batch.invalid) {
    if (!batch.results.has(line.id)) write(line, invalidOutcome(line, batch.model));
  }

  const pending = new Map<string, BatchTask>();
  const jobs: { name: string; data: QueuedTask; opts: { jobId: string } & Record<string, unknown> }[] = [];
  for (const task of pendingTasks(batch.tasks, batch.results)) {
    const data: QueuedTask = { batch: key, task };
    const bytes = jobBytes(data);
    if (bytes > MAX_JOB_BYTES) {
      write(
        task,
        outcomeWithoutRun(task.id, batch.model, "error", {
          code: "batch-task-too-large",
          message: `The task's inline context is ${(bytes / 1024 / 1024).toFixed(1)} MiB as JSON; a queued task carries at most ${MAX_JOB_BYTES / 1024 / 1024} MiB.`,
          hint: "Give the context as paths that every worker can read (the same path on each machine), or run the batch without --queue.",
        }),
      );
      continue;
    }
    const jobId = jobIdOf(key, task.id);
    pending.set(jobId, task);
    jobs.push({
      name: "task",
      data,
      opts: {
        jobId,
        attempts: batch.attempts ?? 3,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      },
    });
  }

  let wake: (() => void) | undefined;
  const onEvent = ({ jobId }: { jobId: string }) => {
    if (pending.has(jobId)) wake?.();
  };
  events.on("completed", onEvent);
  events.on("failed", onEvent);
  await events.waitUntilReady();
  // Ids BullMQ already has are ignored: a rerun re-adds only what is missing.
  for (let start = 0; start < jobs.length; start += 100) await queue.addBulk(jobs.slice(start, start + 100));

  /** Writes a finished job's line and removes the job; leaves a job that is not finished. */
  const collect = async (jobId: string, state: string): Promise<void> => {
    const task = pending.get(jobId);
    if (task === undefined) return;
    if (state === "unknown") {
      // Removed by someone else (an `obliterate`, a cleanup): queue it again.
      const again = jobs.find((candidate) => candidate.opts.jobId === jobId);
      if (again) await queue.add(again.name, again.data, again.opts);
      return;
    }
    if (state !== "completed" && state !== "failed") return;
    // Read after its state: a job read first may have completed in between, without its value.
    const job = await queue.getJob(jobId);
    if (job === undefined) return;
    if (state === "completed") {
      if (job.returnvalue === null || job.returnvalue === undefined) return;
      write(task, job.returnvalue);
      // A failed task keeps its replies, so `--retry-failed` does not pay for them again.
      if (!isFailed(job.returnvalue)) await answered(jobId).catch(() => undefined);
    } else {
      write(
        task,
        outcomeWithoutRun(task.id, batch.model, "error", {
          code: "run-failed",
          message: `The job failed on every try: ${job.failedReason}`,
        }),
      );
    }
    pending.delete(jobId);
    await job.remove().catch(() => undefined);
  };
  const sweep = async (): Promise<void> => {
    const ids = [...pending.keys()];
    for (let start = 0; start < ids.length; start += 50) {
      const chunk = ids.slice(start, start + 50);
      const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
      for (const [index, id] of chunk.entries()) await collect(id, states[index] ?? "unknown");
    }
    batch.progress?.setRunning(Math.min(pending.size, await queue.getActiveCount()));
  };

  const sweepMs = batch.sweepMs ?? 1000;
  while (pending.size > 0 && !batch.signal.aborted) {
    await sweep();
    if (pending.size === 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, sweepMs);
      function done() {
        clearTimeout(timer);
        batch.signal.removeEventListener("abort", done);
        wake = undefined;
        resolve();
      }
      wake = done;
      batch.signal.addEventListener("abort", done);
    });
  }
  return { written, failed, skipped, left: pending.size };
}
