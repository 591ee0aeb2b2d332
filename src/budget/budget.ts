/**
 * One Budget for a whole recursion tree: tokens, cost, wall time and sub-calls are counted over
 * the root and every child RLM together, because a user's limit is on the run, not on one level.
 * When a limit is hit (or the caller aborts), `signal` aborts: running code is interrupted and
 * in-flight model calls are cancelled, and `stopReason` says which limit it was. Per-RLM counters
 * (iterations, consecutive errors) live in the loop, which asks `limits` for their caps.
 */

import type { UsageTotals } from "../models/types.js";
import type { StopReason } from "../trace/types.js";
import { BudgetError, measureOf } from "./budget-error.js";
import type { Limits } from "./limits.js";
import { subtractUsage, sumUsage } from "./usage.js";

export interface BudgetOptions {
  limits?: Limits;
  /** Usage of every model so far (the pool's totals); the budget counts from its value at creation. */
  usage: () => Record<string, UsageTotals>;
  /** The caller's signal: aborting it stops the whole tree with stop reason "aborted". */
  signal?: AbortSignal;
}

export class Budget {
  readonly limits: Limits;
  /** Aborts when a tree-wide limit is hit or the caller aborts. */
  readonly signal: AbortSignal;
  readonly startedAt = Date.now();
  private readonly controller = new AbortController();
  private readonly readUsage: () => Record<string, UsageTotals>;
  private readonly baseline: Record<string, UsageTotals>;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort = () => this.stop("aborted");
  private reason: StopReason | undefined;
  private subCallCount = 0;
  private deepest = 0;

  constructor(options: BudgetOptions) {
    this.limits = options.limits ?? {};
    this.signal = this.controller.signal;
    this.readUsage = options.usage;
    this.baseline = options.usage();
    this.callerSignal = options.signal;
    if (options.signal?.aborted) this.stop("aborted");
    options.signal?.addEventListener("abort", this.onCallerAbort, { once: true });
    const timeout = this.limits.timeoutMs;
    if (timeout !== undefined) {
      this.timer = setTimeout(() => this.stop("timeout"), timeout);
      this.timer.unref();
    }
  }

  /** The limit that stopped the tree, or undefined while it may go on. */
  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  get subCalls(): number {
    return this.subCallCount;
  }

  get depthReached(): number {
    return this.deepest;
  }

  /** When the wall-time limit falls (epoch ms, as `Date.now()`), or undefined without one. */
  get deadline(): number | undefined {
    const timeout = this.limits.timeoutMs;
    return timeout === undefined ? undefined : this.startedAt + timeout;
  }

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** Usage per model since the budget was created (children included: they share the pool). */
  usage(): Record<string, UsageTotals> {
    return subtractUsage(this.readUsage(), this.baseline);
  }

  /** Checks tokens and cost after a model call; stops the tree when one is over its limit. */
  check(): StopReason | undefined {
    if (this.reason) return this.reason;
    const { maxTokens, maxCostUsd } = this.limits;
    // Runs after every call: summing the usage of every model is only worth it when a limit reads it.
    if (maxTokens === undefined && maxCostUsd === undefined) return undefined;
    const total = sumUsage(this.usage());
    if (maxTokens !== undefined && total.promptTokens + total.completionTokens >= maxTokens) {
      this.stop("max-tokens");
    } else if (maxCostUsd !== undefined && total.costUsd >= maxCostUsd) {
      this.stop("max-cost");
    }
    return this.reason;
  }

  /** Counts one sub-call before it starts; throws (and stops the tree) when none is left. */
  startSubCall(): number {
    this.throwIfStopped();
    const { maxSubCalls } = this.limits;
    if (maxSubCalls !== undefined && this.subCallCount >= maxSubCalls) {
      this.stop("max-sub-calls");
      this.throwIfStopped();
    }
    this.subCallCount++;
    return this.subCallCount;
  }

  /** Records that an RLM at `depth` started. */
  enterDepth(depth: number): void {
    this.deepest = Math.max(this.deepest, depth);
  }

  throwIfStopped(): void {
    if (!this.reason) return;
    throw this.error(`The run was stopped: ${describeStop(this.reason, this.limits)}.`, {
      hint: "Raise the limit in `limits` if the task needs more.",
    });
  }

  /** Stops the tree for `reason` (the first reason wins). */
  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(this.error(describeStop(reason, this.limits)));
  }

  /** A BudgetError for the reason the tree stopped, with what was spent of that limit. */
  private error(message: string, options: { hint?: string } = {}): BudgetError {
    const reason = this.reason ?? "aborted";
    const state = {
      limits: this.limits,
      total: () => sumUsage(this.usage()),
      elapsedMs: this.elapsedMs,
      subCalls: this.subCallCount,
    };
    return new BudgetError(reason, message, measureOf(reason, state), options);
  }

  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }
}

/** A sentence naming the limit, for the model and for the result's error text. */
export function describeStop(reason: StopReason, limits: Limits): string {
  switch (reason) {
    case "max-iterations":
      return `the iteration limit (${limits.maxIterations ?? "default"}) was reached`;
    case "max-tokens":
      return `the token limit (${limits.maxTokens}) was reached`;
    case "max-cost":
      return `the cost limit ($${limits.maxCostUsd}) was reached`;
    case "timeout":
      return `the time limit (${limits.timeoutMs} ms) was reached`;
    case "max-sub-calls":
      return `the sub-call limit (${limits.maxSubCalls}) was reached`;
    case "max-errors":
      return `too many turns in a row failed (${limits.maxErrors ?? "default"})`;
    case "aborted":
      return "the caller aborted the run";
    case "error":
      return "an error stopped the run";
    case "answer":
      return "an answer was submitted";
  }
}
