/**
 * One run of a trajectory: what was asked and with which models and limits (the metadata line),
 * its iterations in order, and how it ended (the result line), or a note when it did not finish.
 * A run still being written grows in place (`update`), so sections the reader opened stay open.
 */

import type { TrajectoryRun } from "../../trace/split-runs.js";
import type { MetadataRecord } from "../../trace/types.js";
import { element, facts, textBlock } from "./dom.js";
import { formatCount } from "./format.js";
import { renderIteration } from "./render-iteration.js";
import { renderOutcome, renderResult } from "./render-result.js";

const OPEN_UP_TO = 20;

export interface RunView {
  element: HTMLElement;
  /** Shows what a newer read of the same run added: iterations after those shown, the result. */
  update(run: TrajectoryRun): void;
  /** Whether the result line is shown. */
  readonly finished: boolean;
}

export function createRunView(run: TrajectoryRun, title: string): RunView {
  const heading = element("h2", undefined, title);
  const count = element("h3");
  const iterations = element("div", "iterations");
  const ending = element("div", "ending");
  const root = element("section", "run", heading, renderMetadata(run.metadata), count, iterations, ending);
  let shown = 0;
  let finished = false;
  const update = (next: TrajectoryRun): void => {
    const all = next.iterations;
    // A short run opens whole; a long one opens its last iteration, where it ended.
    for (; shown < all.length; shown++) {
      iterations.appendChild(
        renderIteration(all[shown]!, all.length <= OPEN_UP_TO || shown === all.length - 1),
      );
    }
    count.textContent = `Iterations (${formatCount(all.length)})`;
    if (next.result && !finished) {
      finished = true;
      heading.appendChild(renderOutcome(next.result));
      ending.replaceChildren(renderResult(next.result));
    } else if (!finished) {
      ending.replaceChildren(
        element("p", "unfinished", "No result line: the run did not finish (still running, or it crashed)."),
      );
    }
  };
  update(run);
  return {
    element: root,
    update,
    get finished() {
      return finished;
    },
  };
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
