/**
 * The batch's progress on stderr: done / failed / running, tokens, cost and an ETA from the rate
 * of tasks finished so far. On a terminal it is one status line redrawn in place; otherwise a line
 * every few seconds (logs stay readable). A failed task gets a line of its own with its error.
 */

import type { UsageTotals } from "../models/types.js";
import { isFailed, type TaskOutcome } from "./task.js";

export interface BatchProgressOptions {
  write(text: string): void;
  interactive: boolean;
  /** Tasks this run will work on (already-finished ones are not counted). */
  total: number;
  /** Tasks skipped because the results file has them. */
  skipped: number;
  /** Non-interactive: the time between two status lines. Default 5 s. */
  everyMs?: number;
}

function compactCount(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)}k`;
  return String(value);
}

function clock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

export class BatchProgress {
  private readonly options: BatchProgressOptions;
  private readonly started = performance.now();
  private done = 0;
  private failed = 0;
  private running = 0;
  private tokens = 0;
  private cost = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(options: BatchProgressOptions) {
    this.options = options;
    const every = options.interactive ? 1000 : (options.everyMs ?? 5000);
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  taskStarted(): void {
    this.running++;
    if (this.options.interactive) this.draw();
  }

  /** A task ended (`outcome`), or stopped unfinished (undefined). */
  ended(outcome: TaskOutcome | undefined): void {
    this.running = Math.max(0, this.running - 1);
    if (outcome === undefined) return;
    this.finished(outcome);
  }

  /** A result that arrived without a start seen here (the queue's workers ran it). */
  finished(outcome: TaskOutcome): void {
    this.done++;
    for (const totals of Object.values(outcome.usage) as UsageTotals[]) {
      this.tokens += totals.promptTokens + totals.completionTokens;
      this.cost += totals.costUsd;
    }
    if (isFailed(outcome)) {
      this.failed++;
      this.log(`failed ${outcome.id}: ${outcome.error?.message ?? outcome.stopReason}`);
    }
    if (this.options.interactive) this.draw();
  }

  setRunning(count: number): void {
    this.running = count;
  }

  line(): string {
    const { total, skipped } = this.options;
    const elapsed = performance.now() - this.started;
    const left = total - this.done;
    const eta = this.done > 0 && left > 0 ? `, ETA ${clock((elapsed / this.done) * left)}` : "";
    const skippedText = skipped > 0 ? ` (${skipped} already in the results)` : "";
    return `batch: ${this.done}/${total} done${skippedText}, ${this.failed} failed, ${this.running} running, ${compactCount(this.tokens)} tokens, $${this.cost.toFixed(4)}, ${clock(elapsed)}${eta}`;
  }

  log(text: string): void {
    this.clear();
    this.options.write(`${text}\n`);
    if (this.options.interactive) this.draw();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.options.write(`${this.line()}\n`);
  }

  private clear(): void {
    if (this.options.interactive && this.drawn) this.options.write("\r\x1b[2K");
    this.drawn = false;
  }

  private draw(): void {
    if (this.timer === undefined) return;
    if (this.options.interactive) {
      this.clear();
      this.options.write(this.line());
      this.drawn = true;
    } else {
      this.options.write(`${this.line()}\n`);
    }
  }
}
