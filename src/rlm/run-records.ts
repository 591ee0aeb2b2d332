/**
 * The start and end of a run in the trace: the metadata line, the result (returned and written as
 * the last line), the run id and where the trajectory goes.
 */

import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type MetadataRecord, TRAJECTORY_FORMAT } from "../trace/types.js";
import type { LoopOutcome } from "./loop.js";
import { specOf } from "./options.js";
import type { ContextDescription } from "./prompts.js";
import type { Run } from "./run.js";
import type { CompletionResult } from "./types.js";

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace("Z", "");
  return `${stamp}-${randomUUID().slice(0, 8)}`;
}

/** `trace` names a file, or a folder (an existing one, or a path ending in "/") for one file per run. */
export function tracePathFor(trace: string | undefined, runId: string): string | undefined {
  if (!trace) return undefined;
  const isFolder = trace.endsWith("/") || (existsSync(trace) && statSync(trace).isDirectory());
  return isFolder ? join(trace, `${runId}.jsonl`) : trace;
}

export function metadataLine(run: Run, query: string, context: ContextDescription): MetadataRecord {
  return {
    type: "metadata",
    format: TRAJECTORY_FORMAT,
    run_id: run.id,
    started_at: new Date(run.budget.startedAt).toISOString(),
    query,
    root_model: specOf(run.options.model),
    sub_model: specOf(run.subModel),
    max_depth: run.maxDepth,
    depth: 0,
    context: { type: context.type, total_chars: context.totalChars, parts: context.partLengths.length },
    limits: { ...run.limits },
  };
}

/** Builds the result, writes it as the trajectory's last line and emits `run-end`. */
export function finishRun(run: Run, outcome: LoopOutcome): CompletionResult {
  const { budget, sink } = run;
  const stopReason = outcome.stopReason;
  const result: CompletionResult = {
    answer: outcome.answer,
    stopReason,
    usage: budget.usage(),
    iterations: outcome.iterations,
    subCalls: budget.subCalls,
    depth: budget.depthReached,
    elapsedMs: budget.elapsedMs,
    tracePath: sink.path,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.failure !== undefined ? { failure: outcome.failure } : {}),
  };
  sink.line({
    type: "result",
    answer: result.answer,
    stop_reason: stopReason,
    iterations: result.iterations,
    sub_calls: result.subCalls,
    depth_reached: result.depth,
    elapsed_ms: result.elapsedMs,
    usage: result.usage,
    ...(result.error !== undefined ? { error: result.error } : {}),
  });
  sink.event({ type: "run-end", depth: 0, stopReason, answer: result.answer, elapsedMs: result.elapsedMs });
  return result;
}
