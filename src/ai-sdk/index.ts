/**
 * `rlm/ai-sdk`: an RLM as a model for the AI SDK (`ai` 7's `generateText` / `streamText`, spec
 * `LanguageModelV4`). `createRlm(settings)("ollama:qwen3:4b")` is the model; each call is one RLM
 * run over the prompt (earlier messages and files are the context, the last user message the
 * query, as with `rlm serve`), with limits and a trajectory path in `providerOptions.rlm`.
 */
export type { RlmProviderOptions } from "./call-options.js";
export { createRlm, type RlmProvider, type RlmProviderSettings, rlm } from "./provider.js";
export { RlmCallError } from "./result.js";
export { RlmLanguageModel, type RlmModelSettings } from "./rlm-language-model.js";
