/**
 * The model pool: what stands between the RLM and the backends. `createModelPool(options).get(spec)`
 * returns a LanguageModel wrapped, middleware-style, in one small wrapper per concern: a
 * concurrency limit per endpoint, retries with exponential backoff and jitter decided from the
 * error alone (`isRetryable`, `Retry-After`), a per-call timeout, cancellation, an optional
 * crash-safe on-disk cache, and exact usage and cost per model. A model served by several endpoints
 * (a fleet) gets its calls spread by least in-flight, and a failing endpoint is taken out until it
 * answers again.
 */

export type { ReplyStore } from "./call-cache.js";
export { createModelPool } from "./create-model-pool.js";
export { DEFAULT_PRICES, lookupPrice } from "./prices.js";
export { createSharedModelPool, type SharedModelPool } from "./shared-pool.js";
export type { ModelPool, ModelPoolOptions } from "./types.js";
