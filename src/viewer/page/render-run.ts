/**
 * One run of a trajectory: what was asked and with which models and limits (the metadata line),
 * its iterations in order, and how it ended (the result line), or a note when it did not finish.
 */

import type { TrajectoryRun } from "../../trace/read-trajectory.js";
import type { MetadataRecord, ResultRecord } from "../../trace/types.js";
import { badge, type Child, element, facts, textBlock } from "./dom.js";
import { formatCost, formatCount, formatMilliseconds } from "./format.js";
import { renderIteration } from "./render-iteration.js";

const OPEN_UP_TO = 20;

export function renderRun(run: TrajectoryRun, title: string): HTMLElement {
  const { metadata, iterations, result } = run;
  return element(
    "section",
    "run",
    element("h2", undefined, title, result && outcome(result)),
    renderMetadata(metadata),
    element("h3", undefined, `Iterations (${formatCount(iterations.length)})`),
    // A short run opens whole; a long one opens its last iteration, where it ended.
    ...iterations.map((iteration, index) =>
      renderIteration(iteration, iterations.length <= OPEN_UP_TO || index === iterations.length - 1),
    ),
    result
      ? renderResult(result)
      : element("p", "unfinished", "No result line: the run did not finish (still running, or it crashed)."),
  );
}

/** How the run ended, next to its title, so a long run need not be scrolled to its end. */
function outcome(result: ResultRecord): HTMLElement {
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

function renderMetadata(metadata: MetadataRecord): HTMLElement {
  const limits = Object.entries(metadata.limits).filter(
    (entry): entry is [string, number] => entry[1] !== undefined,
  );
  const { context } = metadata;
  return element(
    "div",
    "metadata",
    textBlock("Query", metadata.query, "query"),
    facts([
      ["Root model", metadata.root_model],
      ["Sub-model", metadata.sub_model],
      ["Max depth", String(metadata.max_depth)],
      [
        "Context",
        `${context.type}, ${formatCount(context.total_chars)} characters in ${formatCount(context.parts)} part${context.parts === 1 ? "" : "s"}`,
      ],
      ["Limits", limits.length > 0 ? limits.map(([name, value]) => `${name} ${value}`).join(", ") : "none"],
      ["Started", metadata.started_at],
      ["Run id", metadata.run_id],
    ]),
  );
}

function renderResult(result: ResultRecord): HTMLElement {
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
    ["Elapsed", formatMilliseconds(result.elapsed_ms)],
  ];
  return element(
    "div",
    "result",
    element("h3", undefined, "Result"),
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
