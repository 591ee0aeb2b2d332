/**
 * The LanguageModel contract: what every backend (the registry in `backends.ts`) provides, and
 * what the pool wraps. Types only; it names no backend.
 */

import type { ModelConfig } from "./model-config.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Default: the backend's default. Benchmarks and tests use 0. */
  temperature?: number;
  /** Cap on generated tokens. */
  maxTokens?: number;
  stop?: string[];
  /** Per-call timeout enforced by the pool. */
  timeoutMs?: number;
  /** Constrain the reply to JSON matching this schema, where the backend supports it. */
  jsonSchema?: Record<string, unknown>;
  /**
   * Constrain the reply to a GBNF grammar (llama.cpp syntax, root rule `root`). Only the embedded
   * llama.cpp backend honours it; others ignore it with a warning.
   */
  grammar?: string;
  /** Reasoning models (Qwen3, gpt-oss): whether to think. Thinking text is returned apart from `text`. */
  think?: boolean;
  /**
   * Durable runs: this call's place in the run's record. The pool answers from it when it holds a
   * reply (no request), else keeps the reply the backend gives. Backends never see it.
   */
  recording?: CallRecording;
}

/** One call's place in a run's record (see `src/replay`). */
export interface CallRecording {
  /** The reply recorded for this call, when the record holds one. */
  recorded(): ChatResult | undefined;
  /** Keeps a reply the backend gave, the moment it arrives. */
  keep(result: ChatResult, elapsedMs: number): void;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = "stop" | "length" | "content-filter" | "error" | "other";

export interface ChatResult {
  /** The answer text, without any thinking. */
  text: string;
  /** Thinking text, kept apart (Ollama `thinking`, OpenAI-compatible `reasoning_content`, `<think>`). */
  reasoning?: string;
  usage: Usage;
  finishReason: FinishReason;
  /** Warnings for settings the backend could not honour (vercel/ai style), never thrown. */
  warnings?: string[];
}

export type ChatChunk =
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "finish"; usage: Usage; finishReason: FinishReason };

export interface ModelInfo {
  /** The spec it was created from, e.g. `ollama:qwen3:4b`. */
  spec: string;
  /** The spec's prefix, naming its backend (`ollama`, `openai-compatible`...; see `backends.ts`). */
  provider: string;
  /** Model name as the backend knows it. */
  model: string;
  /** Context window in tokens, from the backend where it can tell (e.g. Ollama /api/show), else a known default. */
  contextWindow: number;
}

export interface LanguageModel {
  readonly spec: string;
  chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
  /** Streams the reply; stops (and the request is cancelled) when `options.signal` aborts or the loop breaks. */
  stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk>;
  info(options?: { signal?: AbortSignal }): Promise<ModelInfo>;
}

/** Totals for one model, as the pool counts them (every call, batched ones too). */
export interface UsageTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** From the configurable price table; 0 for local models. */
  costUsd: number;
  /** Calls answered from the on-disk cache (no request, no cost; not in `calls` or the token totals). */
  cachedCalls?: number;
}

/** USD per million tokens. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface ModelPoolOptions {
  /** Calls in flight at once, per backend endpoint. Default 16. */
  concurrency?: number;
  /** Retries on 429 / 5xx / connection errors. Default 4. */
  maxRetries?: number;
  /** Per-call timeout. Default 600 000 ms. */
  timeoutMs?: number;
  /** Directory for the on-disk call cache; off when undefined. */
  cacheDir?: string;
  /** Prices by spec or model name; unknown remote models cost 0 with a warning. */
  prices?: Record<string, Price>;
  /** First retry delay, doubled on each further attempt, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Cap on the exponential backoff delay. Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** A `Retry-After` longer than this fails the call instead of waiting. Default 120 s. */
  maxRetryAfterSeconds?: number;
  /** How `get(spec)` creates backends (env, API keys, HTTP dispatcher, llama.cpp threads...). */
  modelConfig?: ModelConfig;
}

/**
 * The pool in front of the backends: `get` returns a LanguageModel that applies concurrency,
 * retries, timeout, cache and usage counting around the backend.
 */
export interface ModelPool {
  get(model: string | LanguageModel): LanguageModel;
  /**
   * Usage per model spec since the pool was created: a copy, which later calls do not change. To count
   * from a later point, keep an earlier result and subtract it (as `Budget` does with `subtractUsage`).
   */
  usage(): Record<string, UsageTotals>;
  close(): Promise<void>;
}
