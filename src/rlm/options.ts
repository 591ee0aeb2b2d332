/**
 * `RLMOptions` checked at construction, and the defaults the engine reads from them (limits: see
 * `src/budget`).
 */

import { checkLimits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import type { LanguageModel } from "../models/types.js";
import type { RLMOptions } from "./types.js";

export function checkOptions(options: RLMOptions): void {
  if (!options || (typeof options.model !== "string" && typeof options.model?.chat !== "function")) {
    throw new RlmError("invalid-config", "RLM needs a root model.", {
      hint: 'Pass `model`, e.g. new RLM({ model: "ollama:qwen3:4b" }).',
    });
  }
  const depth = maxDepthOf(options);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RlmError("invalid-config", `maxDepth must be a whole number >= 1, got ${depth}.`, {
      hint: "Use 1 for plain sub-calls, 2 or more to let rlm_query start child RLMs.",
    });
  }
  checkLimits(options.limits);
}

export function maxDepthOf(options: RLMOptions): number {
  return options.maxDepth ?? 1;
}

/** The model of depth-`depth` RLMs: `depthModels[depth]`, else the root model. */
export function modelForDepth(options: RLMOptions, depth: number): string | LanguageModel {
  return options.depthModels?.[depth] ?? options.model;
}

export function specOf(model: string | LanguageModel): string {
  return typeof model === "string" ? model : model.spec;
}

/**
 * The cap on one reply of a model with this window (tokens), unless given: a quarter of the
 * window, between 256 and 8,192. A small local model that rambles for 6,000 tokens at turn 1 would
 * otherwise overflow its window at turn 2; a reply that hits the cap is cut, and the model told.
 */
export function replyTokens(given: number | undefined, contextWindow: number): number {
  return given ?? Math.min(8_192, Math.max(256, Math.floor(contextWindow / 4)));
}

/** Characters of each block's stdout / stderr shown to a root model with this window (tokens). */
export function observationChars(options: RLMOptions, rootContextWindow: number): number {
  if (options.maxObservationChars !== undefined) return options.maxObservationChars;
  return Math.min(20_000, Math.max(1_000, Math.floor((rootContextWindow * 3) / 10)));
}
