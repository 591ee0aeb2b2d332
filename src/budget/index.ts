/**
 * Budgets: the limits one recursion tree shares (tokens, cost, wall time, sub-calls, depth reached)
 * and the usage arithmetic behind them. The RLM loop creates one `Budget` per completion and hands
 * it to every child; aborting its signal stops the whole tree at once.
 */
export { Budget, type BudgetOptions, describeStop } from "./budget.js";
export { emptyUsage, subtractUsage, sumUsage } from "./usage.js";
