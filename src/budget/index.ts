/**
 * Budgets: the limits one recursion tree shares (tokens, cost, wall time, sub-calls, depth reached)
 * and the usage arithmetic behind them. The RLM loop creates one `Budget` per completion and hands
 * it to every child; aborting its signal stops the whole tree at once. `Limits` is what a user sets.
 */
export { Budget, type BudgetOptions, describeStop } from "./budget.js";
export { BudgetError } from "./budget-error.js";
export {
  checkLimits,
  DEFAULT_FINAL_ANSWER_GRACE_MS,
  DEFAULT_MAX_ERRORS,
  DEFAULT_MAX_ITERATIONS,
  type Limits,
  type ResolvedLimits,
  resolveLimits,
} from "./limits.js";
export { emptyUsage, subtractUsage, sumUsage } from "./usage.js";
