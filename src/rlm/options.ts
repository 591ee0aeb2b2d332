/**
 * Defaults for `RLMOptions` that the loop reads as plain numbers (limits: see `src/budget`).
 */

import type { RLMOptions } from "./types.js";

/** Characters of each block's stdout / stderr shown to a root model with this window (tokens). */
export function observationChars(options: RLMOptions, rootContextWindow: number): number {
  if (options.maxObservationChars !== undefined) return options.maxObservationChars;
  return Math.min(20_000, Math.max(1_000, Math.floor((rootContextWindow * 3) / 10)));
}
