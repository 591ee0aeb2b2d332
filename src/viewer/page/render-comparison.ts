/**
 * Two runs compared (`rlm view a.jsonl b.jsonl`, typically a recorded run and its replay): their
 * answer, stop reason, cost, time, turns, sub-calls and tokens side by side with the change, then
 * the first turn where they differ, found by the same `firstDifference` that `rlm replay` uses (so
 * the page and the terminal agree). Below it, the two runs are shown in two columns.
 */

import { firstDifference } from "../../replay/compare-runs.js";
import type { TrajectoryRun } from "../../trace/split-runs.js";
import { element, textBlock } from "./dom.js";
import { formatCost, formatCount, formatMilliseconds } from "./format.js";

/** What one run adds up to; NaN where it did not finish. */
export interface RunTotals {
  answer: string | undefined;
  stopReason: string;
  costUsd: number;
  elapsedMs: number;
  iterations: number;
  subCalls: number;
  tokens: number;
}

export function runTotals(run: TrajectoryRun): RunTotals {
  const result = run.result;
  const usage = Object.values(result?.usage ?? {});
  return {
    answer: result?.answer,
    stopReason: result?.stop_reason ?? "unfinished",
    costUsd: result ? usage.reduce((sum, totals) => sum + totals.costUsd, 0) : Number.NaN,
    elapsedMs: result ? result.elapsed_ms : Number.NaN,
    iterations: run.iterations.length,
    subCalls: result
      ? result.sub_calls
      : run.iterations.reduce(
          (sum, iteration) =>
            sum + iteration.code_blocks.reduce((calls, block) => calls + block.result.rlm_calls.length, 0),
          0,
        ),
    tokens: result
      ? usage.reduce((sum, totals) => sum + totals.promptTokens + totals.completionTokens, 0)
      : Number.NaN,
  };
}

export function renderComparison(
  first: { run: TrajectoryRun; name: string },
  second: { run: TrajectoryRun; name: string },
): HTMLElement {
  const a = runTotals(first.run);
  const b = runTotals(second.run);
  const difference = firstDifference(
    { iterations: first.run.iterations, answer: a.answer },
    { iterations: second.run.iterations, answer: b.answer },
  );
  const row = (label: string, left: string, right: string, change = ""): HTMLElement =>
    element(
      "tr",
      left === right ? "same" : "differs",
      element("th", undefined, label),
      element("td", undefined, left),
      element("td", undefined, right),
      element("td", "change", left === right ? "same" : change),
    );
  const number = (label: string, left: number, right: number, format: (value: number) => string) =>
    row(label, format(left), format(right), change(left, right, format));
  return element(
    "section",
    "comparison",
    element("h2", undefined, "Comparison"),
    element(
      "table",
      "comparison-table",
      element(
        "thead",
        undefined,
        element(
          "tr",
          undefined,
          element("th"),
          element("th", undefined, first.name),
          element("th", undefined, second.name),
          element("th", undefined, "Change"),
        ),
      ),
      element(
        "tbody",
        undefined,
        row("Answer", a.answer ?? "(none)", b.answer ?? "(none)", "differs"),
        row("Stop reason", a.stopReason, b.stopReason, "differs"),
        number("Cost", a.costUsd, b.costUsd, (value) =>
          Number.isNaN(value) ? "unknown" : formatCost(value),
        ),
        number("Wall time", a.elapsedMs, b.elapsedMs, formatMilliseconds),
        number("Turns", a.iterations, b.iterations, formatCount),
        number("Sub-calls", a.subCalls, b.subCalls, formatCount),
        number("Tokens", a.tokens, b.tokens, formatCount),
      ),
    ),
    element(
      "p",
      difference === undefined ? "first-difference same" : "first-difference",
      difference === undefined
        ? "The two runs take the same turns, run the same code with the same outputs, and give the same answer."
        : `First difference: ${difference.where}.`,
    ),
    difference !== undefined &&
      element(
        "div",
        "difference-texts",
        textBlock(first.name, difference.expected, "expected"),
        textBlock(second.name, difference.actual, "actual"),
      ),
  );
}

/** The second value against the first: "+1.2 s (+40%)"; unknown when either is. */
function change(left: number, right: number, format: (value: number) => string): string {
  if (Number.isNaN(left) || Number.isNaN(right)) return "unknown";
  const delta = right - left;
  const sign = delta > 0 ? "+" : "−";
  const percent = left !== 0 ? ` (${sign}${Math.round((Math.abs(delta) / left) * 100)}%)` : "";
  return `${sign}${format(Math.abs(delta))}${percent}`;
}
