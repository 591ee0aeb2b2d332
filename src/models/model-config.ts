import type { HttpOptions } from "./http/index.js";
import type { LlamaCppModelOptions } from "./llamacpp/index.js";

/**
 * Settings for `createModel`. Every field is optional: by default each backend reads the
 * environment variables its users already have (OLLAMA_HOST, OPENAI_API_KEY, ...).
 */
export interface ModelConfig {
  /** API key; overrides the provider's env var. */
  apiKey?: string;
  /** Server base URL; overrides OLLAMA_HOST / OPENAI_BASE_URL / ANTHROPIC_BASE_URL. */
  baseUrl?: string;
  /** Context window in tokens, when you know better than the server or the table of known models. */
  contextWindow?: number;
  /** Network: injectable fetch and undici dispatcher, extra headers. */
  http?: HttpOptions;
  /** Where env vars are read from (default `process.env`); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** Ollama: the `num_ctx` to start with (default min(window, 8192), grown when a prompt needs more). */
  numCtx?: number;
  /** Ollama: how long the model stays loaded after a call (`"5m"`, `3600`, `-1` for forever). */
  keepAlive?: string | number;
  /** Embedded llama.cpp: threads, context size, GPU, cache dir, download progress. */
  llamacpp?: Omit<LlamaCppModelOptions, "model" | "spec">;
}

export function environmentOf(config: ModelConfig | undefined): Record<string, string | undefined> {
  return config?.env ?? process.env;
}
