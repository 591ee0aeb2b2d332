/**
 * The embedded batch: every task in this process, `parallel` completions at once, all of them on
 * one shared model pool (so `--concurrency` bounds the calls in flight to a backend across the
 * whole batch, not per task). Each finished task's line is appended at once; an interrupted task
 * writes nothing and keeps its trajectory, so the next run resumes it.
 */

import type { BatchProgress } from "./progress.js";
import { resultLine } from "./result-line.js";
import type { ResultsFile } from "./results-file.js";
import { runTask, type TaskEnvironment } from "./run-task.js";
import { type BatchTask, type InvalidLine, isFailed, outcomeWithoutRun, type TaskOutcome } from "./task.js";

export interface BatchSummary {
  /** Tasks that got a line in this run. */
  written: number;
  failed: number;
  /** Tasks skipped because the results file had them. */
  skipped: number;
  /** Tasks left without a line (Ctrl-C, or still queued). */
  left: number;
}

export interface EmbeddedBatch {
  tasks: BatchTask[];
  invalid: InvalidLine[];
  results: ResultsFile;
  environment: TaskEnvironment;
  parallel: number;
  signal: AbortSignal;
  progress?: BatchProgress;
}

export function invalidOutcome(line: InvalidLine, model: string): TaskOutcome {
  return outcomeWithoutRun(line.id, model, "invalid", { code: "invalid-request", message: line.error });
}

/** Writes the lines that could not be read (once: a rerun finds them in the file). */
export function writeInvalid(
  batch: { invalid: InvalidLine[]; results: ResultsFile; progress?: BatchProgress },
  model: string,
): number {
  let written = 0;
  for (const line of batch.invalid) {
    if (batch.results.has(line.id)) continue;
    const outcome = invalidOutcome(line, model);
    batch.results.append(line.id, resultLine(outcome, line.format), true);
    batch.progress?.finished(outcome);
    written++;
  }
  return written;
}

export function pendingTasks(tasks: BatchTask[], results: ResultsFile): BatchTask[] {
  return tasks.filter((task) => !results.has(task.id));
}

export async function runEmbedded(batch: EmbeddedBatch): Promise<BatchSummary> {
  const model = typeof batch.environment.rlm.model === "string" ? batch.environment.rlm.model : "model";
  const skipped = batch.tasks.length - pendingTasks(batch.tasks, batch.results).length;
  let written = writeInvalid(batch, model);
  let failed = written;
  const pending = pendingTasks(batch.tasks, batch.results);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!batch.signal.aborted) {
      const task = pending[next++];
      if (task === undefined) return;
      batch.progress?.taskStarted();
      const outcome = await runTask(task, batch.environment, batch.signal);
      batch.progress?.ended(outcome);
      if (outcome === undefined) continue;
      const taskFailed = isFailed(outcome);
      if (batch.results.append(task.id, resultLine(outcome, task.format, task.model), taskFailed)) {
        written++;
        if (taskFailed) failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, batch.parallel) }, lane));
  const left = pendingTasks(batch.tasks, batch.results).length;
  return { written, failed, skipped, left };
}
