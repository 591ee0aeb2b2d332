/**
 * Turning one parsed JSON line into a trajectory record of the shared types in `src/trace/types.ts`.
 * The page cannot load the zod schemas the node reader uses (it has no dependencies), so it reads
 * each field with a fallback instead: a log of the official Python `rlm` (no `format` or `query`,
 * a prompt that is a plain string, a null `final_answer`, sub-calls named by `root_model`) shows
 * too, and a missing field shows as empty rather than breaking the page; a missing time, token
 * count or context size reads as NaN, shown as unknown (as the node reader's defaults).
 */

import type {
  BatchRecord,
  CallRecord,
  CodeBlockRecord,
  IterationRecord,
  MetadataRecord,
  ResultRecord,
  StopReason,
  SubCallRecord,
  WindowRecord,
} from "../../trace/types.js";

type Fields = Record<string, unknown>;

/** Every stop reason; typed so that a reason added to `StopReason` must be added here. */
const STOP_REASONS: Record<StopReason, true> = {
  answer: true,
  "max-iterations": true,
  "max-tokens": true,
  "max-cost": true,
  timeout: true,
  "max-sub-calls": true,
  "max-errors": true,
  aborted: true,
  error: true,
};

export function fieldsOf(value: unknown): Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : text(value);
}

function number(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stopReason(value: unknown): StopReason | undefined {
  return typeof value === "string" && value in STOP_REASONS ? (value as StopReason) : undefined;
}

function tokenUsage(value: unknown): { promptTokens: number; completionTokens: number } {
  if (value === undefined || value === null)
    return { promptTokens: Number.NaN, completionTokens: Number.NaN };
  const fields = fieldsOf(value);
  return { promptTokens: number(fields.promptTokens), completionTokens: number(fields.completionTokens) };
}

export function readMetadata(fields: Fields): MetadataRecord {
  const context = fieldsOf(fields.context);
  const limits: Record<string, number | undefined> = {};
  for (const [name, value] of Object.entries(fieldsOf(fields.limits))) {
    if (typeof value === "number") limits[name] = value;
  }
  return {
    type: "metadata",
    format: "rlm-trajectory/1",
    run_id: text(fields.run_id),
    started_at: text(fields.started_at ?? fields.timestamp),
    query: text(fields.query),
    root_model: text(fields.root_model),
    sub_model: text(fields.sub_model),
    max_depth: number(fields.max_depth, 1),
    depth: number(fields.depth),
    context: {
      type: text(context.type) || "unknown",
      total_chars: number(context.total_chars, fields.context === undefined ? Number.NaN : 0),
      parts: number(context.parts, fields.context === undefined ? Number.NaN : 0),
      ...(context.lazy === true ? { lazy: true } : {}),
    },
    limits,
    ...(typeof fields.system_prompt === "string" ? { system_prompt: fields.system_prompt } : {}),
    ...(typeof fields.context_sha256 === "string" ? { context_sha256: fields.context_sha256 } : {}),
    ...(Array.isArray(fields.inputs) ? { inputs: fields.inputs.map(text) } : {}),
    ...(fields.context_value !== undefined ? { context_value: fields.context_value } : {}),
    ...(typeof fields.seed === "number" ? { seed: fields.seed } : {}),
    ...(typeof fields.setup === "object" && fields.setup !== null
      ? { setup: readSetup(fields.setup as Fields) }
      : {}),
  };
}

function readSetup(fields: Fields): NonNullable<MetadataRecord["setup"]> {
  return {
    ...(Array.isArray(fields.depth_models) ? { depth_models: fields.depth_models.map(text) } : {}),
    ...(Array.isArray(fields.allowed_models) ? { allowed_models: fields.allowed_models.map(text) } : {}),
    ...(typeof fields.compact_at === "number" ? { compact_at: fields.compact_at } : {}),
    ...(typeof fields.sandbox === "string" ? { sandbox: fields.sandbox } : {}),
  };
}

export function readCall(fields: Fields): CallRecord {
  return {
    type: "call",
    site: text(fields.site),
    model: text(fields.model),
    ...(fields.prompt !== undefined ? { prompt: text(fields.prompt) } : {}),
    text: text(fields.text),
    ...(fields.reasoning !== undefined ? { reasoning: text(fields.reasoning) } : {}),
    usage: tokenUsage(fields.usage),
    finish_reason: text(fields.finish_reason),
    elapsed_ms: number(fields.elapsed_ms),
  };
}

export function readWindow(fields: Fields): WindowRecord {
  return { type: "window", model: text(fields.model), context_window: number(fields.context_window) };
}

export function readIteration(fields: Fields): IterationRecord {
  const prompt =
    typeof fields.prompt === "string"
      ? [{ role: "user", content: fields.prompt }]
      : list(fields.prompt).map((message) => {
          const { role, content } = fieldsOf(message);
          return { role: text(role), content: text(content) };
        });
  // The official logs keep a list of answers; the last one counts.
  const final = Array.isArray(fields.final_answer)
    ? String(fields.final_answer.at(-1) ?? "")
    : fields.final_answer;
  const reason = stopReason(fields.stop_reason);
  return {
    type: "iteration",
    iteration: number(fields.iteration),
    timestamp: optionalText(fields.timestamp),
    depth: number(fields.depth),
    prompt,
    response: text(fields.response),
    reasoning: optionalText(fields.reasoning),
    code_blocks: list(fields.code_blocks).map((block) => readCodeBlock(fieldsOf(block))),
    final_answer: optionalText(final),
    iteration_time: number(fields.iteration_time, Number.NaN),
    usage: tokenUsage(fields.usage),
    ...(reason ? { stop_reason: reason } : {}),
    ...(typeof fields.compacted_messages === "number"
      ? { compacted_messages: fields.compacted_messages }
      : {}),
  };
}

function readCodeBlock(fields: Fields): CodeBlockRecord {
  const result = fieldsOf(fields.result);
  const locals: Record<string, string> = {};
  for (const [name, value] of Object.entries(fieldsOf(result.locals))) locals[name] = text(value);
  return {
    code: text(fields.code),
    result: {
      stdout: text(result.stdout),
      stderr: text(result.stderr),
      error: optionalText(result.error),
      locals,
      execution_time: number(result.execution_time, Number.NaN),
      rlm_calls: list(result.rlm_calls).map((call) => readSubCall(fieldsOf(call))),
      // Kept as written: the page does not show the preflight's estimates yet.
      ...(Array.isArray(result.batches) ? { batches: result.batches as BatchRecord[] } : {}),
      ...(result.restarted === true ? { restarted: true } : {}),
    },
  };
}

function readSubCall(fields: Fields): SubCallRecord {
  const children = Array.isArray(fields.children)
    ? fields.children.map((child) => readIteration(fieldsOf(child)))
    : undefined;
  return {
    kind: fields.kind === "rlm" ? "rlm" : "llm",
    model: text(fields.model ?? fields.root_model),
    prompt: text(fields.prompt),
    response: text(fields.response),
    error: optionalText(fields.error),
    execution_time: number(fields.execution_time, Number.NaN),
    usage: fields.usage ? tokenUsage(fields.usage) : undefined,
    ...(children ? { children } : {}),
  };
}

export function readResult(fields: Fields): ResultRecord {
  const usage: ResultRecord["usage"] = {};
  for (const [model, value] of Object.entries(fieldsOf(fields.usage))) {
    const totals = fieldsOf(value);
    usage[model] = {
      calls: number(totals.calls),
      promptTokens: number(totals.promptTokens),
      completionTokens: number(totals.completionTokens),
      costUsd: number(totals.costUsd),
    };
  }
  const reason = stopReason(fields.stop_reason);
  const unknownReason = reason ? undefined : `unknown stop reason ${text(fields.stop_reason)}`;
  return {
    type: "result",
    answer: text(fields.answer),
    stop_reason: reason ?? "error",
    iterations: number(fields.iterations),
    sub_calls: number(fields.sub_calls),
    depth_reached: number(fields.depth_reached),
    elapsed_ms: number(fields.elapsed_ms),
    usage,
    error: optionalText(fields.error) ?? unknownReason,
  };
}
