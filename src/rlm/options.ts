/**
 * Defaults for `RLMOptions`, resolved once per RLM so the loop reads plain numbers.
 */

import type { Limits, RLMOptions } from "./types.js";

export const DEFAULT_MAX_ITERATIONS = 30;
export const DEFAULT_MAX_ERRORS = 5;
export const DEFAULT_MAX_DEPTH = 1;

export interface ResolvedLimits extends Limits {
  maxIterations: number;
  maxErrors: number;
}

export function resolveLimits(limits: Limits | undefined): ResolvedLimits {
  return {
    ...limits,
    maxIterations: limits?.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    maxErrors: limits?.maxErrors ?? DEFAULT_MAX_ERRORS,
  };
}

/** Characters of each block's stdout / stderr shown to a root model with this window (tokens). */
export function observationChars(options: RLMOptions, rootContextWindow: number): number {
  if (options.maxObservationChars !== undefined) return options.maxObservationChars;
  return Math.min(20_000, Math.max(1_000, Math.floor((rootContextWindow * 3) / 10)));
}
