/**
 * Models of the Vercel AI SDK (`@ai-sdk/provider`'s LanguageModelV4 and V3: `createOpenAI(...)(id)`,
 * `anthropic(id)`, `createOpenAICompatible(...)(id)`...) as rlm `LanguageModel`s. Not a backend of
 * the registry (`backends.ts`): a spec string cannot create one, so such a model is passed as an
 * object and named `ai-sdk:${provider}:${modelId}`. `src/models/model-ref.ts` adapts it where
 * models enter (the pool's `get`, the RLM's options).
 */
export { type AiSdkModelOptions, fromAiSdk, V2_HINT } from "./ai-sdk-model.js";
export {
  AI_SDK_PREFIX,
  type AiSdkLanguageModel,
  aiSdkSpec,
  isAiSdkModel,
  parseAiSdkSpec,
  unsupportedAiSdkVersion,
} from "./ai-sdk-spec.js";
