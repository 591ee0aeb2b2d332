/**
 * How a model is named wherever one is configured (RLMOptions' `model`, `subModel`, `depthModels`,
 * `allowedSubModels`; a pool's `get`): a spec string, a `LanguageModel`, or a Vercel AI SDK language
 * model, which is adapted to a `LanguageModel` once per object (`src/models/ai-sdk`).
 */

import { type AiSdkLanguageModel, aiSdkSpec, fromAiSdk, isAiSdkModel } from "./ai-sdk/index.js";
import type { LanguageModel } from "./types.js";

export type ModelRef = string | LanguageModel | AiSdkLanguageModel;

/** The `LanguageModel` a model object stands for: itself, or its AI SDK adapter (the same one each time). */
export function asLanguageModel(model: LanguageModel | AiSdkLanguageModel): LanguageModel {
  return isAiSdkModel(model) ? fromAiSdk(model) : model;
}

/** True for any of the three forms (an AI SDK model only of a supported specification). */
export function isModelRef(value: unknown): value is ModelRef {
  if (typeof value === "string") return true;
  if (isAiSdkModel(value)) return true;
  const model = value as Partial<LanguageModel> | null | undefined;
  return (
    typeof model?.chat === "function" && typeof model.stream === "function" && typeof model.spec === "string"
  );
}

/** The spec a model goes by in usage, trajectories and `model=`: `ollama:qwen3:4b`, `ai-sdk:openai.chat:gpt-4o`. */
export function specOf(model: ModelRef): string {
  if (typeof model === "string") return model;
  return isAiSdkModel(model) ? aiSdkSpec(model) : model.spec;
}
