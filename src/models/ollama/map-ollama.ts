import type { RlmError } from "../../errors/index.js";
import { modelNotFoundError } from "../errors.js";
import type { HttpFailure } from "../http/index.js";
import type { FinishReason } from "../types.js";

export function mapDoneReason(reason: string | null | undefined): FinishReason {
  if (reason === "stop" || reason === undefined || reason === null) return "stop";
  if (reason === "length") return "length";
  return "other";
}

/** Ollama says "model 'x' not found" (404) for a model that was never pulled. */
export function mapOllamaFailure(failure: HttpFailure, model: string, cloud: boolean): RlmError | undefined {
  if (failure.status === 404 && /not found/i.test(failure.message)) {
    const hint = cloud
      ? `Check the model name; https://ollama.com/search?c=cloud lists the cloud models.`
      : `Pull it first: ollama pull ${model}`;
    return modelNotFoundError(cloud ? "Ollama Cloud" : "Ollama", model, hint, failure);
  }
  return undefined;
}
