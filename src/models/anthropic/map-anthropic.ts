import type { RlmError } from "../../errors/index.js";
import { ModelCallError, modelNotFoundError, serverReportedError } from "../errors.js";
import { type HttpFailure, looksLikeContextOverflow } from "../http/index.js";
import type { FinishReason, Usage } from "../types.js";
import type { AnthropicUsage } from "./anthropic-schemas.js";

export function mapStopReason(reason: string | null | undefined): FinishReason {
  if (reason === "end_turn" || reason === "stop_sequence") return "stop";
  if (reason === "max_tokens" || reason === "model_context_window_exceeded") return "length";
  if (reason === "refusal") return "content-filter";
  return "other";
}

/** Cached prompt tokens are still prompt tokens: they count against the window and are billed. */
export function mapUsage(usage: AnthropicUsage | null | undefined, previous?: Usage): Usage {
  const prompt =
    (usage?.input_tokens ?? 0) +
    (usage?.cache_creation_input_tokens ?? 0) +
    (usage?.cache_read_input_tokens ?? 0);
  return {
    promptTokens: typeof usage?.input_tokens === "number" ? prompt : (previous?.promptTokens ?? 0),
    completionTokens: usage?.output_tokens ?? previous?.completionTokens ?? 0,
  };
}

export function mapAnthropicFailure(failure: HttpFailure, model: string): RlmError | undefined {
  if (failure.status === 404 && failure.errorType === "not_found_error" && /model/i.test(failure.message)) {
    return modelNotFoundError(
      "Anthropic",
      model,
      "Check the model name (e.g. claude-sonnet-4-5); GET /v1/models lists them.",
      failure,
    );
  }
  // 529: Anthropic's "overloaded", temporary by definition.
  if (failure.status === 529) {
    return new ModelCallError("server-error", `Anthropic is overloaded: ${failure.message}`, {
      hint: "Anthropic's API is overloaded; the call can be repeated.",
      isRetryable: true,
      retryAfterSeconds: failure.retryAfterSeconds,
      cause: failure,
      status: failure.status,
      url: failure.url,
    });
  }
  return undefined;
}

/** An `error` event inside a stream that already answered 200. */
export function streamErrorEvent(
  type: string | null | undefined,
  message: string | null | undefined,
): RlmError {
  const retryable = type === "overloaded_error" || type === "api_error" || type === "rate_limit_error";
  return serverReportedError("Anthropic", `${message ?? ""} (${type ?? "error"})`, {
    retryable,
    isOverflow: (text) => looksLikeContextOverflow({ message: text, errorType: type ?? undefined }),
  });
}
