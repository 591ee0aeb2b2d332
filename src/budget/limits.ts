/**
 * The limits a user sets on a run (`RLMOptions.limits`), their defaults, and the check that each
 * one set is a positive number. Tree-wide limits are enforced by `Budget`; per-RLM caps (iterations,
 * consecutive errors) by the loop, which reads them resolved (`resolveLimits`).
 */

import { RlmError } from "../errors/index.js";

export interface Limits {
  /** Root turns per RLM (each child has its own count). Default 30. */
  maxIterations?: number;
  /** Total prompt + completion tokens over the whole tree. */
  maxTokens?: number;
  /** Total cost over the whole tree, from the price table. */
  maxCostUsd?: number;
  /** Wall time for the whole completion. */
  timeoutMs?: number;
  /**
   * After the wall time, how long the last call for a best answer may take (default 5000 ms):
   * the whole run ends within `timeoutMs` + this. After another limit, that call gets at most this
   * beyond the wall time too.
   */
  finalAnswerGraceMs?: number;
  /** llm_query / rlm_query calls over the whole tree. */
  maxSubCalls?: number;
  /** Consecutive turns whose code raised (or that had neither code nor answer). Default 5. */
  maxErrors?: number;
}

export const DEFAULT_MAX_ITERATIONS = 30;
export const DEFAULT_MAX_ERRORS = 5;
/** How long past the wall time the best-answer call may run, unless `finalAnswerGraceMs` says. */
export const DEFAULT_FINAL_ANSWER_GRACE_MS = 5_000;

/** Limits with the per-RLM caps the loop counts against always set. */
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

/** Throws `invalid-config` naming the first limit set to something other than a positive number. */
export function checkLimits(limits: Limits | undefined): void {
  for (const [name, value] of Object.entries(limits ?? {})) {
    if (value !== undefined && !(typeof value === "number" && value > 0)) {
      throw new RlmError(
        "invalid-config",
        `limits.${name} must be a positive number, got ${String(value)}.`,
        {
          hint: `Fix limits.${name}, or leave it out for no limit.`,
        },
      );
    }
  }
}
