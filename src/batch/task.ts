/**
 * One task of a batch, as every part of this folder passes it around: the id, the question, and
 * where the context comes from (files to read, or the context itself), plus the format its result
 * line is written in. `TaskOutcome` is what running it gave, before that line is formatted.
 */

import type { UsageTotals } from "../models/types.js";
import type { ContextInput } from "../sandbox/types.js";
import type { StopReason } from "../trace/types.js";

/** `rlm`: `{id, query, paths | context}` lines; `openai`: OpenAI Batch API lines. */
export type TaskFormat = "rlm" | "openai";

export interface BatchTask {
  id: string;
  /** 1-based line number in the tasks file. */
  line: number;
  format: TaskFormat;
  query: string;
  /** Files, directories or globs, read relative to `base` when the task runs. */
  paths?: string[];
  /** The absolute folder relative paths are read from (the tasks file's). */
  base: string;
  /** The context itself (inline). */
  context?: ContextInput;
  /** Extra instructions for the root model (an OpenAI line's system messages). */
  instructions?: string;
  /** An OpenAI line's `body.model`, echoed in its output body. */
  model?: string;
}

/** A line that could not be read as a task: its result is a failed line, the batch goes on. */
export interface InvalidLine {
  id: string;
  line: number;
  format: TaskFormat;
  error: string;
}

export interface TaskError {
  code: string;
  message: string;
  hint?: string;
}

/** What a task's run gave, in either format's terms. */
export interface TaskOutcome {
  id: string;
  /** The answer, or the best answer a limit left; null when the run failed with none. */
  answer: string | null;
  /** `invalid` for a line that could not be read as a task. */
  stopReason: StopReason | "invalid";
  /** Per model spec. */
  usage: Record<string, UsageTotals>;
  iterations: number;
  subCalls: number;
  /** Deepest recursion level reached. */
  depth: number;
  elapsedMs: number;
  /** Where the task's trajectory is (on the machine that ran it). */
  trajectory: string | null;
  error: TaskError | null;
  /** The root model spec that answered. */
  model: string;
}

/** The outcome of a task that produced no run (a bad line, a failure before or around the run). */
export function outcomeWithoutRun(
  id: string,
  model: string,
  stopReason: TaskOutcome["stopReason"],
  error: TaskError | null,
  elapsedMs = 0,
): TaskOutcome {
  return {
    id,
    answer: null,
    stopReason,
    usage: {},
    iterations: 0,
    subCalls: 0,
    depth: 0,
    elapsedMs,
    trajectory: null,
    error,
    model,
  };
}

/** Failed: no answer came out (a run error or a bad line); a limit's best answer is not a failure. */
export function isFailed(outcome: Pick<TaskOutcome, "stopReason" | "error" | "answer">): boolean {
  return outcome.stopReason === "error" || outcome.stopReason === "invalid" || outcome.answer === null;
}
