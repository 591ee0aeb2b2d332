/**
 * The LanguageModel contract: what every backend (the registry in `backends.ts`) provides, and
 * what the pool wraps. Types only; it names no backend (the pool's own types, which take AI SDK
 * models too, are in `pool/types.ts`).
 */

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
