import type { HttpOptions } from "./http/index.js";

/**
 * Settings for `createModel`. Every field is optional: by default each backend reads the
 * environment variables its users already have (OLLAMA_HOST, OPENAI_API_KEY, ...). The fields
 * some backends only honour say so; the backends import these types, never the other way round.
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
  /** Embedded llama.cpp: threads, context size, batch size, GPU and its layers, cache dir, download progress. */
  llamacpp?: LlamaCppSettings;
}

/** `false`: CPU only; `"auto"`: use Metal, CUDA or Vulkan when the machine has it. */
export type LlamaGpu = false | "auto";

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

/** Layers of the model put on the GPU: a count, `"auto"` (as many as fit) or `"max"` (all, or fail). */
export type LlamaGpuLayers = number | "auto" | "max";

/** How the embedded llama.cpp engine runs a model (the `llamacpp` part of the model config). */
export interface LlamaCppSettings {
  /**
   * CPU threads per generation. Set explicitly because node-llama-cpp's default is pathological on
   * small shared machines. Default: the machine's physical cores (`physicalCores()`), at least 1.
   */
  threads?: number;
  /**
   * Context window in tokens. Default: the model's training context, capped at 8192 (memory for
   * the KV cache grows with it). A window under 4,096 tokens makes the RLM use its compact system prompt.
   */
  contextSize?: number;
  /** Tokens evaluated per batch (prompt processing). Default: node-llama-cpp's (the context size, at most 512). */
  batchSize?: number;
  /** Layers offloaded to the GPU. Default `"auto"`; `0` keeps the model on the CPU. Ignored with `gpu: false`. */
  gpuLayers?: LlamaGpuLayers;
  /** Calls answered at once (one context sequence each); more wait. Default 1. */
  sequences?: number;
  /** Default `"auto"` (Metal, CUDA or Vulkan when present); `false` for CPU only. */
  gpu?: LlamaGpu;
  /** Where downloaded models are kept. Default `~/.cache/rlm/models`. */
  cacheDir?: string;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * Settings for one model only, by its reference (what follows `llamacpp:` in its spec: a path or
   * an `hf:` URI), over the settings above: a small sub-model and a large root can differ.
   */
  models?: Record<string, Omit<LlamaCppSettings, "models" | "onDownloadProgress">>;
}

export function environmentOf(config: ModelConfig | undefined): Record<string, string | undefined> {
  return config?.env ?? process.env;
}
