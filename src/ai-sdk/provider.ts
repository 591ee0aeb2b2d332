import type { ProviderV4 } from "@ai-sdk/provider";
import { NoSuchModelError } from "@ai-sdk/provider";
import type { LanguageModel } from "../models/types.js";
import { RlmLanguageModel, type RlmModelSettings } from "./rlm-language-model.js";

/**
 * The provider, in the AI SDK's usual shape (`createOpenAI(settings)("gpt-4o")`):
 * `createRlm(settings)` holds what every model shares (sub-model, limits, sandbox, pool...), and
 * calling it with a root model spec gives the `LanguageModelV4` (`rlm("ollama:qwen3:4b")`). A
 * model's own settings go over the provider's, limits merged name by name. `rlm` is a provider
 * with no settings.
 */

export type RlmProviderSettings = RlmModelSettings;

export interface RlmProvider extends ProviderV4 {
  /** The RLM whose root model is `model` (a spec such as `ollama:qwen3:4b`, or a LanguageModel). */
  (model: string | LanguageModel, settings?: RlmModelSettings): RlmLanguageModel;
  languageModel(model: string | LanguageModel, settings?: RlmModelSettings): RlmLanguageModel;
}

export function createRlm(defaults: RlmProviderSettings = {}): RlmProvider {
  const languageModel = (model: string | LanguageModel, settings: RlmModelSettings = {}) =>
    new RlmLanguageModel(model, {
      ...defaults,
      ...settings,
      ...(defaults.limits || settings.limits ? { limits: { ...defaults.limits, ...settings.limits } } : {}),
    });
  const noSuchModel =
    (modelType: "embeddingModel" | "imageModel") =>
    (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType,
        message: "An RLM provider has language models only.",
      });
    };
  return Object.assign(languageModel, {
    specificationVersion: "v4" as const,
    languageModel,
    embeddingModel: noSuchModel("embeddingModel"),
    imageModel: noSuchModel("imageModel"),
  });
}

/** A provider with no settings: `rlm("ollama:qwen3:4b")`. */
export const rlm: RlmProvider = createRlm();
