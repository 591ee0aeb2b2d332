import { RlmError, type RlmErrorOptions } from "../errors/index.js";
import type { UsageTotals } from "../models/types.js";
import type { StopReason } from "../trace/types.js";
import type { Limits } from "./limits.js";

/**
 * A tree-wide limit stopped the run (code `budget-exceeded`), with which limit it was and how far
 * the run got as fields, in the limit's own unit: tokens (`max-tokens`), US dollars (`max-cost`),
 * milliseconds (`timeout`) or sub-calls (`max-sub-calls`). An abort by the caller has neither.
 */
export class BudgetError extends RlmError {
  declare readonly code: "budget-exceeded";
  /** Which limit: the stop reason the run ends with. */
  readonly stopReason: StopReason;
  /** What the run had spent when it stopped, when the budget counts it. */
  readonly spent: number | undefined;
  /** The limit's value, when one was set. */
  readonly limit: number | undefined;

  constructor(
    stopReason: StopReason,
    message: string,
    measure: { spent?: number; limit?: number },
    options: RlmErrorOptions = {},
  ) {
    super("budget-exceeded", message, options);
    this.name = "BudgetError";
    this.stopReason = stopReason;
    this.spent = measure.spent;
    this.limit = measure.limit;
  }
}

/** What a budget knows when it stops, to fill in a BudgetError. */
export interface BudgetState {
  limits: Limits;
  total: () => UsageTotals;
  elapsedMs: number;
  subCalls: number;
}

/** Spent and limit of `reason`, in its unit; empty for reasons the budget does not count. */
export function measureOf(reason: StopReason, state: BudgetState): { spent?: number; limit?: number } {
  const { limits } = state;
  switch (reason) {
    case "max-tokens": {
      const total = state.total();
      return { spent: total.promptTokens + total.completionTokens, limit: limits.maxTokens };
    }
    case "max-cost":
      return { spent: state.total().costUsd, limit: limits.maxCostUsd };
    case "timeout":
      return { spent: state.elapsedMs, limit: limits.timeoutMs };
    case "max-sub-calls":
      return { spent: state.subCalls, limit: limits.maxSubCalls };
    default:
      return {};
  }
}
