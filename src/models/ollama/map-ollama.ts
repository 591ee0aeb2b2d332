import type { RlmError } from "../../errors/index.js";
import { ModelCallError, modelNotFoundError } from "../errors.js";
import type { HttpFailure } from "../http/index.js";
import type { FinishReason } from "../types.js";

export function mapDoneReason(reason: string | null | undefined): FinishReason {
  if (reason === "stop" || reason === undefined || reason === null) return "stop";
  if (reason === "length") return "length";
  return "other";
}

/** Ollama says "model 'x' not found" (404) for a model that was never pulled. */
export function mapOllamaFailure(failure: HttpFailure, model: string, cloud: boolean): RlmError | undefined {
  // "model 'x' not found"; a bare "404 page not found" means OLLAMA_HOST points at something else.
  if (failure.status === 404 && /model .*not found/i.test(failure.message)) {
    const hint = cloud
      ? `Check the model name; https://ollama.com/search?c=cloud lists the cloud models.`
      : `Pull it first: ollama pull ${model}`;
    return modelNotFoundError(cloud ? "Ollama Cloud" : "Ollama", model, hint, failure);
  }
  if (failure.status === 404 && !cloud) {
    return new ModelCallError("not-found", `${failure.url} does not exist (404): ${failure.message}`, {
      hint: "Check that OLLAMA_HOST points at an Ollama server (for an OpenAI-compatible one, use an openai-compatible: spec).",
      cause: failure,
      status: failure.status,
      url: failure.url,
    });
  }
  return undefined;
}
