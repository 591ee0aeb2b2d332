import type { RlmError } from "../../errors/index.js";

export interface BackoffOptions {
  /** Delay before the first retry, doubled on each further attempt. */
  baseDelayMs: number;
  /** Cap on the exponential part (a server's `Retry-After` may ask for more, up to `maxRetryAfterSeconds`). */
  maxDelayMs: number;
  /** Source of randomness for the jitter; injectable so tests can pin it. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed and half random, so calls that
 * failed together (one 429 burst) do not all come back in the same millisecond.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const random = options.random ?? Math.random;
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * How long to wait before retrying after `error`: what the server asked for (`Retry-After`), never
 * less, plus the jittered backoff when the server said nothing.
 */
export function retryDelayMs(attempt: number, error: RlmError, options: BackoffOptions): number {
  const backoff = backoffDelayMs(attempt, options);
  if (error.retryAfterSeconds === undefined) return backoff;
  // A little jitter on top of the server's wait, never below it.
  const random = options.random ?? Math.random;
  return Math.ceil(error.retryAfterSeconds * 1000 + random() * Math.min(250, options.baseDelayMs));
}
