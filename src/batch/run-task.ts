/**
 * Runs one task: reads its context (its paths, relative to the tasks file's folder, or the context
 * it carries), runs one RLM completion that writes its trajectory under the trace folder, and turns
 * what happened into a `TaskOutcome`. When the trace folder already holds this task's trajectory
 * (a crash or Ctrl-C interrupted it), the run resumes from it as `rlm ask --resume` does: recorded
 * model replies are answered from the file and never paid twice. A trajectory that cannot be
 * resumed (another question, changed inputs, cut before its first line) is moved aside and the task
 * starts over. Nothing here throws for a task's own failure: it becomes a failed outcome.
 */

import { createHash } from "node:crypto";
import { existsSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { RlmError } from "../errors/index.js";
import { readInputs } from "../inputs/index.js";
import type { ModelPool } from "../models/pool/index.js";
import { RLM, RunError } from "../rlm/index.js";
import type { CompletionResult, RLMOptions } from "../rlm/types.js";
import type { ContextInput } from "../sandbox/types.js";
import type { RlmEvent } from "../trace/types.js";
import { type BatchTask, outcomeWithoutRun, type TaskError, type TaskOutcome } from "./task.js";

export interface TaskEnvironment {
  /** Models, limits, sandbox: the same for every task (no `trace`, no `createPool`). */
  rlm: RLMOptions;
  /** The pool of one task's run: a view of the batch's one shared pool. */
  poolFor(task: BatchTask): ModelPool;
  /** Where each task writes `<id>.jsonl`. */
  traceDirectory: string;
  /** The largest context read from a task's paths (the CLI's --max-input-bytes). */
  maxInputBytes?: number;
  onEvent?(task: BatchTask, event: RlmEvent): void;
}

/** A file name for an id: its safe characters and a short hash (two ids never share a file). */
export function traceName(id: string): string {
  const slug = id.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return `${slug}-${createHash("sha256").update(id).digest("hex").slice(0, 10)}.jsonl`;
}

function errorOf(error: unknown): TaskError {
  if (error instanceof RlmError) {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return { code: "run-failed", message: error instanceof Error ? error.message : String(error) };
}

function outcomeOf(task: BatchTask, model: string, result: CompletionResult): TaskOutcome {
  const failure = result.failure;
  return {
    id: task.id,
    answer: result.stopReason === "error" ? null : result.answer,
    stopReason: result.stopReason,
    usage: result.usage,
    iterations: result.iterations,
    subCalls: result.subCalls,
    depth: result.depth,
    elapsedMs: result.elapsedMs,
    trajectory: result.tracePath ?? null,
    error:
      failure !== undefined
        ? errorOf(failure)
        : result.error !== undefined
          ? { code: "run-failed", message: result.error }
          : null,
    model,
  };
}

async function contextOf(task: BatchTask, environment: TaskEnvironment): Promise<ContextInput> {
  if (task.context !== undefined) return task.context;
  const input = await readInputs(task.paths ?? [], {
    cwd: task.base,
    ...(environment.maxInputBytes !== undefined ? { maxTotalBytes: environment.maxInputBytes } : {}),
  });
  return input.context;
}

/** A trajectory worth resuming: one with at least its first line. */
function resumable(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0;
}

/** Runs the task; undefined when `signal` stopped it (nothing is written: the next run resumes it). */
export async function runTask(
  task: BatchTask,
  environment: TaskEnvironment,
  signal: AbortSignal,
): Promise<TaskOutcome | undefined> {
  const started = performance.now();
  const model = typeof environment.rlm.model === "string" ? environment.rlm.model : "model";
  let context: ContextInput;
  try {
    context = await contextOf(task, environment);
  } catch (error) {
    return outcomeWithoutRun(task.id, model, "error", errorOf(error), performance.now() - started);
  }
  const trace = join(environment.traceDirectory, traceName(task.id));
  const instructions = [environment.rlm.instructions, task.instructions].filter(Boolean).join("\n\n");
  const rlm = new RLM({
    ...environment.rlm,
    trace,
    ...(instructions !== "" ? { instructions } : {}),
    createPool: () => environment.poolFor(task),
    ...(environment.onEvent ? { onEvent: (event: RlmEvent) => environment.onEvent?.(task, event) } : {}),
  });
  const complete = (resume: boolean) =>
    rlm.completion(context, task.query, {
      signal,
      ...(task.paths !== undefined ? { inputs: task.paths } : {}),
      ...(resume ? { resume: trace } : {}),
    });
  try {
    let result: CompletionResult;
    try {
      result = await complete(resumable(trace));
    } catch (error) {
      const cannotResume =
        error instanceof RlmError &&
        !(error instanceof RunError) &&
        (error.code === "resume-mismatch" || error.code === "trace-invalid");
      if (!cannotResume) throw error;
      renameSync(trace, `${trace}.stale-${Date.now()}`);
      result = await complete(false);
    }
    if (signal.aborted || result.stopReason === "aborted") return undefined;
    return outcomeOf(task, model, result);
  } catch (error) {
    if (signal.aborted) return undefined;
    if (error instanceof RunError) return outcomeOf(task, model, error.result);
    return outcomeWithoutRun(task.id, model, "error", errorOf(error), performance.now() - started);
  } finally {
    await rlm.close();
  }
}
