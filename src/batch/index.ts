/**
 * Batch runs over datasets: a tasks file (JSONL, rlm or OpenAI Batch lines) in, a results file
 * (JSONL, one line per id) out. Embedded (`runEmbedded`): the tasks run in this process on one
 * shared model pool, `parallel` at once. Queued (`runQueued` + `startQueueWorker`): the tasks are
 * BullMQ jobs on Redis, taken by any number of workers; a dead worker's jobs go back to the queue.
 * Either way a rerun skips the ids the results file has and resumes interrupted tasks from their
 * trajectories (embedded) or from the replies kept in Redis (queued), so finished work is never
 * paid twice.
 */
export { type BatchSummary, type EmbeddedBatch, runEmbedded } from "./embedded.js";
export { batchPool } from "./pools.js";
export { BatchProgress, type BatchProgressOptions } from "./progress.js";
export { MAX_JOB_BYTES } from "./queue-job.js";
export { type QueuedBatch, runQueued } from "./queue-submit.js";
export { type QueueWorker, type QueueWorkerOptions, startQueueWorker } from "./queue-worker.js";
export { type QueuedEngines, queuedEngines } from "./queued-engine.js";
export { readTaskFile, type TaskFile } from "./read-tasks.js";
export { checkQueueUrl, DEFAULT_QUEUE_NAME } from "./redis.js";
export { ResultsFile } from "./results-file.js";
export { runTask, type TaskEnvironment, traceName } from "./run-task.js";
export type { BatchTask, InvalidLine, TaskFormat, TaskOutcome } from "./task.js";
