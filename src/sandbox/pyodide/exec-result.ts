/**
 * Turns the outcome of one guarded `_rlm_exec` into the `ExecResult` the loop sees: the driver's
 * reply (validated) plus fd-level output, or the reason the call was stopped or the worker lost.
 */
import { parseDriverExec } from "../driver-result.js";
import type { ExecResult } from "../types.js";
import { type GuardedOutcome, stopReasonText } from "./run-guarded.js";

export function toExecResult(outcome: GuardedOutcome, elapsedMs: number, timeoutMs: number): ExecResult {
  if (outcome.kind === "failed") {
    const { message: error, restart: restarted, stopped } = outcome;
    const base = { stdout: "", stderr: "", error, answer: undefined, elapsedMs, restarted, variables: [] };
    return stopped ? { ...base, stopped } : base;
  }
  const value = parseDriverExec(outcome.value);
  let error = value.error ?? undefined;
  let stopped: ExecResult["stopped"] = outcome.stopped;
  if (outcome.stopped)
    error = `${stopReasonText(outcome.stopped, timeoutMs)} Variables were kept.\n${error ?? ""}`;
  else if (error !== undefined && /^MemoryError\b/.test(lastLine(error))) stopped = "memory";
  return {
    stdout: value.stdout + outcome.rawStdout,
    stderr: value.stderr + outcome.rawStderr,
    error,
    answer: value.answer ?? undefined,
    elapsedMs,
    restarted: false,
    ...(stopped ? { stopped } : {}),
    variables: value.variables,
  };
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1] ?? "";
}
