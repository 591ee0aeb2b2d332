/**
 * Models: everything that talks to a language model, behind the `LanguageModel` interface
 * (`types.ts`). Spec strings (`spec.ts`) pick a backend from the registry (`backends.ts`: Ollama's
 * native API, OpenAI Chat Completions and compatible servers, Anthropic Messages, in-process
 * llama.cpp), each described in its own `backend.ts`; all network backends share one HTTP layer
 * (`http/`), and the `ModelPool` (`pool/`) wraps any model with concurrency limits, retries,
 * timeouts, a call cache and usage totals. Models of the Vercel AI SDK are adapted by `ai-sdk/`
 * wherever a model is named (`model-ref.ts`). Errors say what to do.
 */
export { type AiSdkLanguageModel, type AiSdkModelOptions, fromAiSdk } from "./ai-sdk/index.js";
export type {
  BackendCheck,
  BackendDescriptor,
  CheckContext,
  EnvironmentVariable,
  ParsedSpec,
} from "./backend.js";
export { BACKEND_ENVIRONMENT, BACKENDS, backendOf } from "./backends.js";
export { createModel, resolveEndpoints } from "./create-model.js";
export { ContextOverflowError, type ModelCallCode, ModelCallError } from "./errors.js";
export type { HttpOptions } from "./http/index.js";
export type { ModelConfig } from "./model-config.js";
export type { ModelRef } from "./model-ref.js";
export { createModelPool, DEFAULT_PRICES, type ModelPool, type ModelPoolOptions } from "./pool/index.js";
export { parseModelSpec } from "./spec.js";
export type * from "./types.js";
