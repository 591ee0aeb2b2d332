/**
 * `rlm serve --queue redis://...`: the server's runs go to the same BullMQ queue the batch workers
 * take tasks from, so `rlm worker` processes on any machine answer the server's requests. Each
 * request becomes one job (an inline-context task; the 8 MiB bound applies, and a larger request is
 * refused with `batch-task-too-large`); the server waits for its result through `QueueEvents`. The
 * workers' models, limits and sandbox apply (a request's `rlm_limits` is not passed on), and the
 * trajectory stays on the worker. A request whose client leaves is removed from the queue if no
 * worker has taken it yet.
 */

import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import { isErrorCode, RlmError } from "../errors/index.js";
import { RunError } from "../rlm/index.js";
import type { CompletionOptions, CompletionResult } from "../rlm/types.js";
import type { ContextInput } from "../sandbox/types.js";
import { jobBytes, MAX_JOB_BYTES, type QueuedTask } from "./queue-job.js";
import { connectRedis } from "./redis.js";
import { completionOf } from "./result-line.js";
import { isFailed, outcomeWithoutRun, type TaskOutcome } from "./task.js";

/** The batch key of the server's jobs (their trace folder on the workers). */
const SERVE_BATCH = "serve";

export interface QueuedEngines {
  /** An engine for one request: `instructions` are the server's and the request's system messages. */
  engine(options: { instructions?: string }): {
    completion(context: ContextInput, query: string, options?: CompletionOptions): Promise<CompletionResult>;
  };
  close(): Promise<void>;
}

function resultOf(outcome: TaskOutcome): CompletionResult {
  const result = completionOf(outcome);
  if (outcome.error === null) return result;
  const code = isErrorCode(outcome.error.code) ? outcome.error.code : "run-failed";
  return {
    ...result,
    error: outcome.error.message,
    failure: new RlmError(code, outcome.error.message, { hint: outcome.error.hint }),
  };
}

export async function queuedEngines(url: string, queueName: string): Promise<QueuedEngines> {
  const redis = await connectRedis(url);
  const queue = new Queue<QueuedTask, TaskOutcome>(queueName, { connection: redis });
  const events = new QueueEvents(queueName, { connection: redis.duplicate() });
  await events.waitUntilReady();
  return {
    engine: ({ instructions }) => ({
      async completion(context, query, options = {}) {
        const id = `serve-${randomUUID()}`;
        const data: QueuedTask = {
          batch: SERVE_BATCH,
          task: {
            id,
            line: 0,
            format: "rlm",
            query,
            context,
            base: process.cwd(),
            ...(instructions ? { instructions } : {}),
          },
        };
        const bytes = jobBytes(data);
        if (bytes > MAX_JOB_BYTES) {
          throw new RlmError(
            "batch-task-too-large",
            `The request's context is ${(bytes / 1024 / 1024).toFixed(1)} MiB as JSON; a queued run carries at most ${MAX_JOB_BYTES / 1024 / 1024} MiB.`,
            { hint: "Send a smaller context, or use a server without --queue." },
          );
        }
        const job = await queue.add("task", data, {
          jobId: id,
          attempts: 3,
          backoff: { type: "exponential", delay: 1000 },
          removeOnComplete: true,
          removeOnFail: { age: 3600 },
        });
        const signal = options.signal;
        let stop: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
          stop = () => {
            // Taken off the queue unless a worker runs it already (then its answer is dropped).
            void job.remove().catch(() => undefined);
            reject(signal?.reason ?? new RlmError("aborted", "The request was cancelled."));
          };
        });
        // A cancel after the answer came rejects nobody's promise.
        aborted.catch(() => undefined);
        if (signal?.aborted) stop?.();
        else if (stop) signal?.addEventListener("abort", stop, { once: true });
        let outcome: TaskOutcome;
        try {
          outcome = await Promise.race([job.waitUntilFinished(events), aborted]);
        } catch (error) {
          if (options.signal?.aborted) {
            return { ...resultOf(outcomeWithoutRun(id, "", "aborted", null)), stopReason: "aborted" };
          }
          const message = error instanceof Error ? error.message : String(error);
          throw new RunError({
            ...resultOf(outcomeWithoutRun(id, "", "error", null)),
            stopReason: "error",
            error: `The queued run failed on every try: ${message}`,
            failure: new RlmError("run-failed", `The queued run failed on every try: ${message}`),
          });
        } finally {
          if (stop) signal?.removeEventListener("abort", stop);
        }
        const result = resultOf(outcome);
        if (isFailed(outcome)) throw new RunError({ ...result, stopReason: "error" });
        return result;
      },
    }),
    async close() {
      await events.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
