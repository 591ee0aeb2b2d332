/**
 * The embedded backend: llama.cpp running inside this process through node-llama-cpp, an optional
 * dependency imported only when a `llamacpp:` model is first used (without it, a clear error says
 * how to install it). Models come from a .gguf path or an `hf:` URI downloaded once into a cache
 * directory; one Llama binding per process, each model file loaded once, threads set explicitly.
 * Models with a chat template are driven through a chat session, base models through raw text
 * completion; JSON-schema and GBNF grammars constrain the output.
 */

export type { DownloadProgress } from "../model-config.js";
export { createLlamaCppModel, type LlamaCppModelOptions } from "./llamacpp-model.js";
export { disposeLlamaCppModels } from "./loaded-models.js";
export { defaultModelCacheDir } from "./resolve-model-path.js";
