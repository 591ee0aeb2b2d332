/**
 * Arithmetic on per-model usage totals (the pool's `usage()` shape): the difference between two
 * snapshots is what one run spent, and the sum over models is what limits are checked against.
 */

import type { UsageTotals } from "../models/types.js";

export function emptyUsage(): UsageTotals {
  return { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
}

/** `now - before`, per model; models with no calls in between are left out. */
export function subtractUsage(
  now: Record<string, UsageTotals>,
  before: Record<string, UsageTotals>,
): Record<string, UsageTotals> {
  const result: Record<string, UsageTotals> = {};
  for (const [model, totals] of Object.entries(now)) {
    const base = before[model] ?? emptyUsage();
    const calls = totals.calls - base.calls;
    const cachedCalls = (totals.cachedCalls ?? 0) - (base.cachedCalls ?? 0);
    if (calls <= 0 && cachedCalls <= 0) continue;
    result[model] = {
      calls,
      promptTokens: totals.promptTokens - base.promptTokens,
      completionTokens: totals.completionTokens - base.completionTokens,
      costUsd: totals.costUsd - base.costUsd,
      ...(cachedCalls > 0 ? { cachedCalls } : {}),
    };
  }
  return result;
}

/** Totals over all models. */
export function sumUsage(usage: Record<string, UsageTotals>): UsageTotals {
  const total = emptyUsage();
  for (const totals of Object.values(usage)) {
    total.calls += totals.calls;
    total.promptTokens += totals.promptTokens;
    total.completionTokens += totals.completionTokens;
    total.costUsd += totals.costUsd;
    if (totals.cachedCalls) total.cachedCalls = (total.cachedCalls ?? 0) + totals.cachedCalls;
  }
  return total;
}
