/**
 * Zod schemas for trajectory lines, checked against the types in `types.ts` (each schema is typed
 * as `z.ZodType<Record>`, so the two cannot drift). Fields we added beside the official Python
 * `rlm` log fields get defaults, so a log written by the official library reads too: its metadata
 * has no `format` or `query`, its `prompt` may be a plain string, its `final_answer` may be null
 * and its sub-calls are named by `root_model`. A number a log does not give (a time, token counts,
 * the context's size) reads as NaN, which the viewer shows as unknown rather than as 0.
 */

import { z } from "zod";
import type { UsageTotals } from "../models/types.js";
import {
  type BatchEstimate,
  type BatchRecord,
  type CallRecord,
  type CodeBlockRecord,
  type IterationRecord,
  type MetadataRecord,
  type ResultRecord,
  type SubCallRecord,
  TRAJECTORY_FORMAT,
  type WindowRecord,
} from "./types.js";

const stopReasonSchema = z.enum([
  "answer",
  "max-iterations",
  "max-tokens",
  "max-cost",
  "timeout",
  "max-sub-calls",
  "max-errors",
  "aborted",
  "error",
]);

const tokenUsage = z.object({ promptTokens: z.number(), completionTokens: z.number() });

const usageTotals: z.ZodType<UsageTotals, z.ZodTypeDef, unknown> = z.object({
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  costUsd: z.number(),
});

/** A prompt is a list of messages; the official logs sometimes store a plain string. */
const messages = z.preprocess(
  (value) => (typeof value === "string" ? [{ role: "user", content: value }] : value),
  z.array(z.object({ role: z.string(), content: z.string() })),
);

const nullToUndefined = (value: unknown) => (value === null ? undefined : value);
/** A number the log may leave out or set to null: NaN then (zod refuses NaN as a default). */
const unknownNumber = z
  .preprocess(nullToUndefined, z.number().optional())
  .transform((value) => value ?? Number.NaN);
const text = z.preprocess((value) => {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}, z.string());

export const subCallSchema: z.ZodType<SubCallRecord, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.preprocess(
    (value) => {
      if (typeof value !== "object" || value === null) return value;
      const record = value as Record<string, unknown>;
      return { kind: "llm", model: record.root_model ?? "", ...record };
    },
    z.object({
      kind: z.enum(["llm", "rlm"]),
      model: z.string(),
      prompt: text,
      response: text,
      error: z.preprocess(nullToUndefined, z.string().optional()),
      execution_time: unknownNumber,
      usage: z.preprocess(nullToUndefined, tokenUsage.optional()),
      children: z.preprocess(nullToUndefined, z.array(iterationSchema).optional()),
    }),
  ),
);

const nullableNumber = z.number().nullable();
const batchEstimateSchema: z.ZodType<BatchEstimate, z.ZodTypeDef, unknown> = z.object({
  kind: z.enum(["llm", "rlm"]),
  model: z.string(),
  prompts: z.number(),
  prompt_chars: z.number(),
  chars_per_token: z.number(),
  calibrated: z.boolean(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  tokens: z.number(),
  max_output_tokens: z.number(),
  cost_usd: nullableNumber,
  price: z.string(),
  concurrency: z.number(),
  seconds: z.number(),
  left: z.object({
    sub_calls: nullableNumber,
    tokens: nullableNumber,
    cost_usd: nullableNumber,
    seconds: nullableNumber,
  }),
  fits: z.boolean(),
  over: z.array(z.string()),
  max_prompts: nullableNumber,
});

const batchSchema: z.ZodType<BatchRecord, z.ZodTypeDef, unknown> = z.object({
  estimate: batchEstimateSchema,
  dry_run: z.boolean().optional(),
  refused: z.string().optional(),
  actual: z
    .object({
      input_tokens: z.number(),
      output_tokens: z.number(),
      tokens: z.number(),
      cost_usd: z.number(),
      seconds: z.number(),
      failed: z.number(),
    })
    .optional(),
});

export const codeBlockSchema: z.ZodType<CodeBlockRecord, z.ZodTypeDef, unknown> = z.object({
  code: z.string(),
  result: z.object({
    stdout: text,
    stderr: text,
    error: z.preprocess(nullToUndefined, z.string().optional()),
    locals: z.record(text).default({}),
    execution_time: unknownNumber,
    rlm_calls: z.array(subCallSchema).default([]),
    batches: z.preprocess(nullToUndefined, z.array(batchSchema).optional()),
    restarted: z.boolean().optional(),
  }),
});

export const iterationSchema: z.ZodType<IterationRecord, z.ZodTypeDef, unknown> = z.object({
  type: z.literal("iteration"),
  iteration: z.number(),
  timestamp: z.preprocess(nullToUndefined, z.string().optional()),
  depth: z.number().default(0),
  prompt: messages.default([]),
  response: text,
  reasoning: z.preprocess(nullToUndefined, z.string().optional()),
  code_blocks: z.array(codeBlockSchema).default([]),
  final_answer: z.preprocess(
    (value) => (value === null ? undefined : Array.isArray(value) ? String(value.at(-1) ?? "") : value),
    z.string().optional(),
  ),
  iteration_time: unknownNumber,
  usage: tokenUsage
    .optional()
    .transform((value) => value ?? { promptTokens: Number.NaN, completionTokens: Number.NaN }),
  stop_reason: stopReasonSchema.optional(),
  compacted_messages: z.number().optional(),
});

export const metadataSchema: z.ZodType<MetadataRecord, z.ZodTypeDef, unknown> = z.preprocess(
  (value) => {
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    return { started_at: record.timestamp ?? "", ...record };
  },
  z.object({
    type: z.literal("metadata"),
    format: z.literal(TRAJECTORY_FORMAT).default(TRAJECTORY_FORMAT),
    run_id: z.string().default(""),
    started_at: z.string(),
    query: text,
    root_model: text,
    sub_model: text,
    max_depth: z.number().default(1),
    depth: z.number().default(0),
    context: z
      .object({ type: z.string(), total_chars: z.number(), parts: z.number(), lazy: z.boolean().optional() })
      .optional()
      .transform((value) => value ?? { type: "unknown", total_chars: Number.NaN, parts: Number.NaN }),
    limits: z.record(z.preprocess(nullToUndefined, z.number().optional())).default({}),
    system_prompt: z.string().optional(),
    context_sha256: z.string().optional(),
    inputs: z.array(z.string()).optional(),
    context_value: z.unknown().optional(),
    seed: z.number().optional(),
    setup: z
      .object({
        depth_models: z.array(z.string()).optional(),
        allowed_models: z.array(z.string()).optional(),
        compact_at: z.number().optional(),
        sandbox: z.string().optional(),
      })
      .optional(),
  }),
);

export const callSchema: z.ZodType<CallRecord, z.ZodTypeDef, unknown> = z.object({
  type: z.literal("call"),
  site: z.string(),
  model: z.string(),
  prompt: z.string().optional(),
  text: z.string(),
  reasoning: z.string().optional(),
  usage: tokenUsage,
  finish_reason: z.string(),
  elapsed_ms: z.number(),
});

export const windowSchema: z.ZodType<WindowRecord, z.ZodTypeDef, unknown> = z.object({
  type: z.literal("window"),
  model: z.string(),
  context_window: z.number(),
});

export const resultSchema: z.ZodType<ResultRecord, z.ZodTypeDef, unknown> = z.object({
  type: z.literal("result"),
  answer: z.string(),
  stop_reason: stopReasonSchema,
  iterations: z.number(),
  sub_calls: z.number(),
  depth_reached: z.number(),
  elapsed_ms: z.number(),
  usage: z.record(usageTotals),
  error: z.string().optional(),
});
