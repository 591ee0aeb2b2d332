/**
 * How a run ended (its result line): the answer, stop reason, counts, elapsed time and usage per
 * model, and a short form of it shown beside the run's title.
 */

import type { ResultRecord } from "../../trace/types.js";
import { badge, type Child, element, facts, textBlock } from "./dom.js";
import { formatCost, formatCount, formatMilliseconds } from "./format.js";

/** How the run ended, next to its title, so a long run need not be scrolled to its end. */
export function renderOutcome(result: ResultRecord): HTMLElement {
  return element(
    "span",
    "outcome",
    badge(result.stop_reason, result.stop_reason === "answer" ? "final" : "stop"),
    element(
      "span",
      "meta",
      `${formatCount(result.iterations)} iterations · ${formatCount(result.sub_calls)} sub-calls · ${formatMilliseconds(result.elapsed_ms)}`,
    ),
  );
}

export function renderResult(result: ResultRecord): HTMLElement {
  const usageRows = Object.entries(result.usage).map(([model, totals]) =>
    element(
      "tr",
      undefined,
      element("td", "model", model),
      element("td", "number", formatCount(totals.calls)),
      element("td", "number", formatCount(totals.promptTokens)),
      element("td", "number", formatCount(totals.completionTokens)),
      element("td", "number", formatCost(totals.costUsd)),
    ),
  );
  const header = ["Model", "Calls", "Prompt tokens", "Completion tokens", "Cost"].map((name) =>
    element("th", undefined, name),
  );
  const details: [string, Child][] = [
    ["Stop reason", badge(result.stop_reason, result.stop_reason === "answer" ? "final" : "stop")],
    ["Iterations", formatCount(result.iterations)],
    ["Sub-calls", formatCount(result.sub_calls)],
    ["Depth reached", formatCount(result.depth_reached)],
    ["Wall time", formatMilliseconds(result.elapsed_ms)],
  ];
  return element(
    "div",
    "result",
    element("h3", undefined, "Overview"),
    textBlock("Answer", result.answer, "answer"),
    result.error !== undefined && textBlock("Error", result.error, "error"),
    facts(details),
    element("div", "label", "Usage per model"),
    element(
      "table",
      "usage",
      element("thead", undefined, element("tr", undefined, ...header)),
      element("tbody", undefined, ...usageRows),
    ),
  );
}
