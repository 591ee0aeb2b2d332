import type { RlmError } from "../../errors/index.js";
import { ModelCallError, modelNotFoundError } from "../errors.js";
import type { HttpFailure } from "../http/index.js";
import type { FinishReason, Usage } from "../types.js";
import type { OpenAIUsage } from "./openai-schemas.js";

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  if (reason === "stop") return "stop";
  if (reason === "length") return "length";
  if (reason === "content_filter") return "content-filter";
  return "other";
}

export function mapUsage(usage: OpenAIUsage): Usage {
  return { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 };
}

/** OpenAI's own failure codes that the default status mapping would misread. */
export function mapOpenAIFailure(failure: HttpFailure, model: string, baseUrl: string): RlmError | undefined {
  const modelMissing =
    failure.errorType === "model_not_found" ||
    (failure.status === 404 &&
      /model/i.test(failure.message) &&
      /not exist|not found|does not exist/i.test(failure.message));
  if (modelMissing) {
    return modelNotFoundError(
      baseUrl,
      model,
      `Check the model name; GET ${baseUrl}/models lists the models this server serves.`,
      failure,
    );
  }
  if (failure.status === 404 && !/\/v\d+$/.test(baseUrl)) {
    return new ModelCallError("not-found", `${failure.url} does not exist (404): ${failure.message}`, {
      hint: `Most servers want the base URL to end in /v1: try ${baseUrl}/v1.`,
      cause: failure,
      status: failure.status,
      url: failure.url,
    });
  }
  if (failure.status === 429 && failure.errorType === "insufficient_quota") {
    return new ModelCallError(
      "quota-exceeded",
      `${baseUrl} says the account is out of quota: ${failure.message}`,
      {
        hint: "Add credit to the account or use another key; retrying will not help.",
        cause: failure,
        status: failure.status,
        url: failure.url,
      },
    );
  }
  return undefined;
}
