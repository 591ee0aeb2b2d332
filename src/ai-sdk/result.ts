import type {
  JSONObject,
  LanguageModelV4FinishReason,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
  SharedV4Warning,
} from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { describeStop, type Limits, resolveLimits, sumUsage } from "../budget/index.js";
import type { ErrorCode } from "../errors/index.js";
import { ModelCallError } from "../models/index.js";
import type { RunError } from "../rlm/index.js";
import type { CompletionResult } from "../rlm/types.js";

/**
 * An RLM result in the AI SDK's terms: usage summed over every model the run called, the finish
 * reason (with the stop reason as `raw`), a warning when a limit cut the run short, the run's own
 * numbers as `providerMetadata.rlm`, and `RlmCallError` for a run that failed.
 */

/**
 * A failed run (`completion()` rejected with a `RunError`), as the AI SDK's `APICallError`
 * (`APICallError.isInstance` holds), with the catalogue `code` (`backend-unreachable`,
 * `sandbox-start-failed`...), the `hint` and the trajectory's path; `cause` is the `RunError`, whose
 * `result` keeps what the run did. `isRetryable` is false: the model pool has already retried each
 * call, and the SDK's retry would start the whole run again. `url` and `statusCode` are the failing
 * backend call's, when a model call failed.
 */
export class RlmCallError extends APICallError {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly tracePath: string | undefined;

  constructor(modelId: string, query: string, error: RunError) {
    const failure = error.result.failure;
    super({
      // The run's error text already carries what to do.
      message: `The RLM run failed: ${error.message}`,
      url: failure instanceof ModelCallError && failure.url ? failure.url : `rlm:${modelId}`,
      requestBodyValues: { model: modelId, query },
      statusCode: failure instanceof ModelCallError ? failure.status : undefined,
      isRetryable: false,
      cause: error,
      data: { code: error.code, hint: error.hint ?? null, tracePath: error.tracePath ?? null },
    });
    this.code = error.code;
    this.hint = error.hint;
    this.tracePath = error.tracePath;
  }
}

export function usageOf(result: CompletionResult): LanguageModelV4Usage {
  const total = sumUsage(result.usage);
  return {
    inputTokens: {
      total: total.promptTokens,
      noCache: undefined,
      cacheRead: undefined,
      cacheWrite: undefined,
    },
    outputTokens: { total: total.completionTokens, text: undefined, reasoning: undefined },
    raw: usageByModel(result),
  };
}

function usageByModel(result: CompletionResult): JSONObject {
  const byModel: JSONObject = {};
  for (const [model, totals] of Object.entries(result.usage)) byModel[model] = { ...totals };
  return byModel;
}

/** An answer is `stop`; the token limit is `length`; any other limit is `other`. `raw` names it. */
export function finishReasonOf(result: CompletionResult): LanguageModelV4FinishReason {
  const reason = result.stopReason;
  const unified = reason === "answer" ? "stop" : reason === "max-tokens" ? "length" : "other";
  return { unified, raw: reason };
}

/** The warning of a run a limit stopped: which limit, and that the text is the best answer so far. */
export function limitWarnings(result: CompletionResult, limits: Limits): SharedV4Warning[] {
  if (result.stopReason === "answer") return [];
  const stop = describeStop(result.stopReason, resolveLimits(limits));
  const answer =
    result.answer === ""
      ? `No answer came back${result.error ? `: ${result.error}` : "."}`
      : "The text is its best answer so far.";
  return [
    {
      type: "other",
      message: `The RLM run stopped before the model submitted an answer (${result.stopReason}): ${stop}. ${answer}`,
    },
  ];
}

export function metadataOf(result: CompletionResult): SharedV4ProviderMetadata {
  return {
    rlm: {
      stopReason: result.stopReason,
      iterations: result.iterations,
      subCalls: result.subCalls,
      depth: result.depth,
      elapsedMs: Math.round(result.elapsedMs),
      tracePath: result.tracePath ?? null,
      usage: usageByModel(result),
    },
  };
}
