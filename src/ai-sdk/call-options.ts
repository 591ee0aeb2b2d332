import type { LanguageModelV4CallOptions, SharedV4Warning } from "@ai-sdk/provider";
import { InvalidArgumentError } from "@ai-sdk/provider";
import { z } from "zod";
import type { Limits } from "../budget/index.js";
import type { ContextInput } from "../sandbox/types.js";

/**
 * What one AI SDK call may set for its run, under `providerOptions.rlm`: the limits (the same
 * names as `RLMOptions.limits`; they replace the provider's for this call), the trajectory path,
 * a context given apart from the messages, and whether progress is reported as reasoning. And the
 * standard call options an RLM does not honour, each turned into an `unsupported` warning.
 */

const positiveInt = z.number().int().positive();

export const rlmProviderOptionsSchema = z
  .object({
    maxIterations: positiveInt,
    maxTokens: positiveInt,
    maxCostUsd: z.number().positive(),
    timeoutMs: positiveInt,
    finalAnswerGraceMs: positiveInt,
    maxSubCalls: positiveInt,
    maxErrors: positiveInt,
    /** Path of this call's JSONL trajectory (`rlm view`, `rlm replay`). */
    trace: z.string().min(1),
    /** Write the context into the trajectory too (up to 16 MB), so `rlm replay` needs nothing else. */
    recordContext: z.boolean(),
    /** The context, instead of earlier messages (a `str`, a `list[str]` or a `dict` name -> text). */
    context: z.union([z.string(), z.array(z.string()), z.record(z.string())]),
    /** Report the run's progress (each root turn's reply and its code's output) as reasoning. */
    progress: z.boolean(),
  })
  .partial()
  .strict();

export type RlmProviderOptions = z.infer<typeof rlmProviderOptionsSchema>;

export interface CallSettings {
  limits: Limits;
  trace: string | undefined;
  recordContext: boolean;
  context: ContextInput | undefined;
  progress: boolean;
}

const LIMIT_NAMES = [
  "maxIterations",
  "maxTokens",
  "maxCostUsd",
  "timeoutMs",
  "finalAnswerGraceMs",
  "maxSubCalls",
  "maxErrors",
] as const satisfies readonly (keyof Limits)[];

/** Reads `providerOptions.rlm`; throws `InvalidArgumentError` naming the first bad field. */
export function callSettings(options: LanguageModelV4CallOptions): CallSettings {
  const parsed = rlmProviderOptionsSchema.safeParse(options.providerOptions?.rlm ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ["providerOptions", "rlm", ...(issue?.path ?? [])].join(".");
    const keys = issue?.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
    throw new InvalidArgumentError({
      argument: where,
      message: `Invalid ${where}: ${issue?.message ?? "not an object"}${keys}.`,
    });
  }
  const values = parsed.data;
  const limits: Limits = {};
  for (const name of LIMIT_NAMES) if (values[name] !== undefined) limits[name] = values[name];
  return {
    limits,
    trace: values.trace,
    recordContext: values.recordContext ?? false,
    context: values.context,
    progress: values.progress ?? false,
  };
}

const SAMPLING_DETAILS =
  "An RLM calls its root and sub-models many times: set their sampling in createRlm's rootOptions and subOptions.";

/** One `unsupported` warning per standard call option this call sets and an RLM does not honour. */
export function unsupportedWarnings(options: LanguageModelV4CallOptions): SharedV4Warning[] {
  const warnings: SharedV4Warning[] = [];
  const unsupported = (feature: string, details: string) =>
    warnings.push({ type: "unsupported", feature, details });
  if (options.maxOutputTokens !== undefined) {
    unsupported(
      "maxOutputTokens",
      "The answer comes out of a whole run: limit the run with providerOptions.rlm.maxTokens (all models together) or maxIterations.",
    );
  }
  const sampling = [
    ["temperature", options.temperature],
    ["topP", options.topP],
    ["topK", options.topK],
    ["presencePenalty", options.presencePenalty],
    ["frequencyPenalty", options.frequencyPenalty],
    ["seed", options.seed],
    ["stopSequences", options.stopSequences?.length ? options.stopSequences : undefined],
  ] as const;
  for (const [name, value] of sampling) if (value !== undefined) unsupported(name, SAMPLING_DETAILS);
  if (options.tools?.length) {
    unsupported(
      "tools",
      "An RLM answers in text and calls no AI SDK tools; createRlm's tools expose JS functions to its Python.",
    );
  }
  if (options.toolChoice && options.toolChoice.type !== "auto" && options.toolChoice.type !== "none") {
    unsupported("toolChoice", "An RLM calls no AI SDK tools.");
  }
  if (options.responseFormat?.type === "json") {
    unsupported(
      "responseFormat",
      `The answer is free text${options.responseFormat.schema ? " and no schema is enforced" : ""}: ask for JSON in the question if you need it.`,
    );
  }
  if (options.reasoning !== undefined && options.reasoning !== "provider-default") {
    unsupported(
      "reasoning",
      "Set thinking for the root and sub-models in createRlm's rootOptions and subOptions (think).",
    );
  }
  return warnings;
}
