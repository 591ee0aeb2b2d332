import { describe, expect, it } from "vitest";
import type { UsageTotals } from "../models/types.js";
import { Budget } from "./budget.js";
import { BudgetError } from "./budget-error.js";
import { subtractUsage, sumUsage } from "./usage.js";

function usageSource(start: Record<string, UsageTotals>) {
  const current = structuredClone(start);
  return {
    current,
    read: () => structuredClone(current),
  };
}

describe("Budget", () => {
  it("counts usage from its creation, not from the pool's start", () => {
    const source = usageSource({ a: { calls: 2, promptTokens: 100, completionTokens: 10, costUsd: 0.5 } });
    const budget = new Budget({ usage: source.read, limits: { maxTokens: 50 } });
    source.current.a = { calls: 3, promptTokens: 130, completionTokens: 15, costUsd: 0.6 };
    expect(budget.usage()).toEqual({
      a: { calls: 1, promptTokens: 30, completionTokens: 5, costUsd: expect.closeTo(0.1) },
    });
    expect(budget.check()).toBeUndefined();
    source.current.a.promptTokens = 160;
    expect(budget.check()).toBe("max-tokens");
    expect(budget.signal.aborted).toBe(true);
    budget.dispose();
  });

  it("stops on cost", () => {
    const source = usageSource({});
    const budget = new Budget({ usage: source.read, limits: { maxCostUsd: 0.01 } });
    source.current.b = { calls: 1, promptTokens: 1, completionTokens: 1, costUsd: 0.02 };
    expect(budget.check()).toBe("max-cost");
    budget.dispose();
  });

  it("allows maxSubCalls sub-calls and refuses the next with a clear error", () => {
    const budget = new Budget({ usage: () => ({}), limits: { maxSubCalls: 2 } });
    budget.startSubCall();
    budget.startSubCall();
    expect(() => budget.startSubCall()).toThrow(/sub-call limit \(2\)/);
    expect(budget.stopReason).toBe("max-sub-calls");
    expect(budget.subCalls).toBe(2);
    budget.dispose();
  });

  it("aborts with the caller's signal, and the first reason wins", () => {
    const caller = new AbortController();
    const budget = new Budget({ usage: () => ({}), signal: caller.signal });
    caller.abort();
    budget.stop("max-tokens");
    expect(budget.stopReason).toBe("aborted");
    expect(budget.signal.aborted).toBe(true);
    budget.dispose();
  });

  it("stops on wall time", async () => {
    const budget = new Budget({ usage: () => ({}), limits: { timeoutMs: 1 } });
    await new Promise((resolve) => budget.signal.addEventListener("abort", resolve));
    expect(budget.stopReason).toBe("timeout");
    budget.dispose();
  });

  it("records the deepest level entered", () => {
    const budget = new Budget({ usage: () => ({}) });
    budget.enterDepth(2);
    budget.enterDepth(1);
    expect(budget.depthReached).toBe(2);
  });

  it("knows when the wall time falls (none without timeoutMs)", () => {
    const timed = new Budget({ limits: { timeoutMs: 60_000 }, usage: () => ({}) });
    expect(timed.deadline).toBe(timed.startedAt + 60_000);
    timed.dispose();
    expect(new Budget({ usage: () => ({}) }).deadline).toBeUndefined();
  });
});

describe("BudgetError", () => {
  it("says which limit stopped the run, what was spent and the limit, in the limit's unit", () => {
    const source = usageSource({});
    const tokens = new Budget({ usage: source.read, limits: { maxTokens: 100 } });
    source.current.a = { calls: 1, promptTokens: 90, completionTokens: 30, costUsd: 0 };
    tokens.check();
    expect(tokens.signal.reason).toBeInstanceOf(BudgetError);
    expect(tokens.signal.reason).toMatchObject({
      code: "budget-exceeded",
      stopReason: "max-tokens",
      spent: 120,
      limit: 100,
    });
    tokens.dispose();
    const subCalls = new Budget({ usage: () => ({}), limits: { maxSubCalls: 1 } });
    subCalls.startSubCall();
    expect(() => subCalls.startSubCall()).toThrow(
      expect.objectContaining({ stopReason: "max-sub-calls", spent: 1, limit: 1 }),
    );
    subCalls.dispose();
    const controller = new AbortController();
    const aborted = new Budget({ usage: () => ({}), signal: controller.signal });
    controller.abort();
    expect(aborted.signal.reason).toMatchObject({
      stopReason: "aborted",
      spent: undefined,
      limit: undefined,
    });
    aborted.dispose();
  });
});

describe("usage arithmetic", () => {
  it("subtracts snapshots and sums models", () => {
    const now = {
      a: { calls: 3, promptTokens: 30, completionTokens: 3, costUsd: 0 },
      b: { calls: 1, promptTokens: 10, completionTokens: 1, costUsd: 0 },
    };
    const delta = subtractUsage(now, { b: now.b });
    expect(Object.keys(delta)).toEqual(["a"]);
    expect(sumUsage(now)).toEqual({ calls: 4, promptTokens: 40, completionTokens: 4, costUsd: 0 });
  });
});
