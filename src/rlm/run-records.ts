/**
 * The start and end of a run in the trace: the metadata line, the result (returned and written as
 * the last line), the run id and where the trajectory goes.
 */

import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { specOf } from "../models/model-ref.js";
import { contextDigest } from "../replay/index.js";
import { lazyParts } from "../sandbox/context-file.js";
import type { ContextInput } from "../sandbox/types.js";
import { type MetadataRecord, TRAJECTORY_FORMAT } from "../trace/types.js";
import type { LoopOutcome } from "./loop.js";
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

/** A context recorded in the trajectory (`recordContext`) may be this large, as JSON. */
export const RECORDED_CONTEXT_CHARS = 16_000_000;

export interface RunInputs {
  /** The context as given (undefined: a session query that keeps the current one). */
  context: ContextInput | undefined;
  inputs: string[] | undefined;
}

export function metadataLine(
  run: Run,
  query: string,
  context: ContextDescription,
  given: RunInputs,
  /** The root node's conversation: its first message, the system prompt, is recorded. */
  conversation: readonly { role: string; content: string }[] = [],
): MetadataRecord {
  const system = conversation[0]?.role === "system" ? conversation[0].content : undefined;
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
    context: {
      type: context.type,
      total_chars: context.totalChars,
      parts: context.partLengths.length,
      ...(context.lazy ? { lazy: true } : {}),
    },
    limits: { ...run.limits },
    ...(system !== undefined ? { system_prompt: system } : {}),
    ...(run.record !== undefined ? durableFields(run, given) : {}),
  };
}

/** What a replay or resume needs to run the same code over the same data the same way. */
function durableFields(run: Run, given: RunInputs): Partial<MetadataRecord> {
  const { options } = run;
  const setup: NonNullable<MetadataRecord["setup"]> = {
    ...(options.depthModels ? { depth_models: options.depthModels.map(specOf) } : {}),
    ...(options.allowedSubModels ? { allowed_models: options.allowedSubModels.map(specOf) } : {}),
    ...(options.compactAt !== undefined ? { compact_at: options.compactAt } : {}),
    ...(options.sandbox?.runtime !== undefined ? { sandbox: options.sandbox.runtime } : {}),
  };
  return {
    seed: run.seed,
    setup,
    ...(given.context !== undefined ? { context_sha256: contextDigest(given.context) } : {}),
    ...(given.inputs !== undefined ? { inputs: given.inputs } : {}),
    ...(options.recordContext && given.context !== undefined ? recordedContext(run, given.context) : {}),
  };
}

function recordedContext(run: Run, context: ContextInput): Partial<MetadataRecord> {
  if (lazyParts(context) !== undefined) {
    const message =
      "A lazy context (files read from disk) is not written into the trajectory; replay will need the inputs.";
    run.emit({ type: "warning", depth: 0, message });
    return {};
  }
  const size = typeof context === "string" ? context.length : JSON.stringify(context).length;
  if (size <= RECORDED_CONTEXT_CHARS) return { context_value: context };
  run.emit({
    type: "warning",
    depth: 0,
    message: `The context (${size} characters) is over the ${RECORDED_CONTEXT_CHARS} a trajectory records; replay will need the inputs.`,
  });
  return {};
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
