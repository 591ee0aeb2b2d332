/** The model pool's options and interface (`createModelPool`). */

import type { ModelConfig } from "../model-config.js";
import type { ModelRef } from "../model-ref.js";
import type { LanguageModel, Price, UsageTotals } from "../types.js";

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
  /**
   * The pooled model for a spec, a `LanguageModel` or an AI SDK language model (adapted once per
   * object); the same object for the same argument.
   */
  get(model: ModelRef): LanguageModel;
  /**
   * Usage per model spec since the pool was created: a copy, which later calls do not change. To count
   * from a later point, keep an earlier result and subtract it (as `Budget` does with `subtractUsage`).
   */
  usage(): Record<string, UsageTotals>;
  close(): Promise<void>;
}
