/**
 * What travels in a BullMQ job: the task (its paths, or its inline context) and the key of the
 * batch it belongs to. A job's id is derived from the batch and the task id, so enqueueing the same
 * batch again adds nothing that is already queued (BullMQ ignores an id it has), and two batches on
 * one queue never share a job. Inline contexts travel in the job, up to `MAX_JOB_BYTES`.
 */

import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { BatchTask } from "./task.js";

/** The largest job (the task as JSON, inline context included): 8 MiB. */
export const MAX_JOB_BYTES = 8 * 1024 * 1024;

export interface QueuedTask {
  /** The batch's key: a hash of the results file's absolute path. */
  batch: string;
  task: BatchTask;
}

/** A results file names its batch: the same `--out` is the same batch, from any run. */
export function batchKeyOf(resultsPath: string): string {
  return createHash("sha256").update(resolve(resultsPath)).digest("hex").slice(0, 16);
}

/** A BullMQ job id (no `:`, not an integer): `<batch>-<hash of the task id>`. */
export function jobIdOf(batch: string, taskId: string): string {
  return `${batch}-${createHash("sha256").update(taskId).digest("hex").slice(0, 24)}`;
}

export function jobBytes(job: QueuedTask): number {
  return Buffer.byteLength(JSON.stringify(job));
}
