/**
 * One run of a trajectory: what was asked and with which models and limits (the metadata line),
 * its iterations in order, and how it ended (the result line), or a note when it did not finish.
 * A run still being written grows in place (`update`), so sections the reader opened stay open.
 */

import type { TrajectoryRun } from "../../trace/split-runs.js";
import type { MetadataRecord } from "../../trace/types.js";
import { element, facts, openSection, section, textBlock } from "./dom.js";
import { formatCount } from "./format.js";
import { renderIteration, revealCall } from "./render-iteration.js";
import { renderOutcome, renderResult } from "./render-result.js";
import { createTimeline } from "./timeline.js";
import type { BarTarget } from "./timeline-layout.js";

const OPEN_UP_TO = 20;

export interface RunView {
  element: HTMLElement;
  /** Shows what a newer read of the same run added: iterations after those shown, the result. */
  update(run: TrajectoryRun): void;
  /** Whether the result line is shown. */
  readonly finished: boolean;
  /** The run as last shown. */
  readonly run: TrajectoryRun;
  /** Its title ("Run 2", or a file's name when two are compared), for the sidebar too. */
  readonly title: string;
  /** Opens an iteration, block or sub-call in the detail view and scrolls to it. */
  open(target: BarTarget): HTMLElement | undefined;
  /** The rendered iteration `index` (0-based). */
  iteration(index: number): HTMLDetailsElement | undefined;
}

export function createRunView(
  run: TrajectoryRun,
  title: string,
  /** Told of what a click on the timeline (or `open`) showed, for the address and the sidebar. */
  onOpen?: (target: BarTarget) => void,
): RunView {
  const heading = element("h2", undefined, title);
  const count = element("h3", "iteration-count");
  const iterations = element("div", "iterations");
  const ending = element("div", "ending");
  let current = run;
  const conversationSection = element("div", "conversation-holder");
  const open = (target: BarTarget): HTMLElement | undefined => {
    const shown = openTarget(iterations, withBlock(current, target));
    onOpen?.(target);
    return shown;
  };
  const timeline = createTimeline(run, open);
  // Overview first (how it ended, the timeline), then the metadata, then every iteration.
  const root = element(
    "section",
    "run",
    heading,
    ending,
    element("h3", undefined, "Timeline"),
    timeline.element,
    renderMetadata(run.metadata),
    conversationSection,
    count,
    iterations,
  );
  let shown = 0;
  let first = true;
  // Every message the root model was sent, in order, built when opened (it reads `current`).
  const renderConversation = (): void => {
    const messages = rootConversation(current);
    conversationSection.replaceChildren(
      section(
        "conversation",
        [`Conversation with the root model (${formatCount(messages.length)} messages)`],
        () => messages.map((message) => textBlock(message.role, message.content, `message ${message.role}`)),
        false,
      ),
    );
  };
  let finished = false;
  const update = (next: TrajectoryRun): void => {
    current = next;
    const all = next.iterations;
    // A short run opens whole; a long one opens its last iteration, where it ended.
    for (; shown < all.length; shown++) {
      iterations.appendChild(
        renderIteration(all[shown]!, all.length <= OPEN_UP_TO || shown === all.length - 1, shown),
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
    if (!first) timeline.update(next);
    const open = conversationSection.querySelector("details")?.open ?? false;
    if (!open) renderConversation();
    first = false;
  };
  update(run);
  return {
    element: root,
    update,
    get finished() {
      return finished;
    },
    get run() {
      return current;
    },
    title,
    open,
    iteration: (index) =>
      iterations.querySelector<HTMLDetailsElement>(`:scope > details.iteration[data-iter="${index}"]`) ??
      undefined,
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
    metadata.system_prompt !== undefined &&
      section(
        "system-prompt",
        [`System prompt (${formatCount(metadata.system_prompt.length)} characters)`],
        () => [textBlock("system", metadata.system_prompt ?? "", "system")],
        false,
      ),
    facts([
      ["Root model", metadata.root_model],
      ["Sub-model", metadata.sub_model],
      ["Max depth", String(metadata.max_depth)],
      [
        "Context",
        `${context.type}, ${formatCount(context.total_chars)} ${context.lazy ? "bytes (lazy: read from disk)" : "characters"} in ${formatCount(context.parts)} part${context.parts === 1 ? "" : "s"}`,
      ],
      ["Limits", limits.length > 0 ? limits.map(([name, value]) => `${name} ${value}`).join(", ") : "none"],
      ["Started", metadata.started_at],
      ["Run id", metadata.run_id],
    ]),
  );
}

/** A target named by its sub-call alone (a deep link) gets the block that call is in. */
function withBlock(run: TrajectoryRun, target: BarTarget): BarTarget {
  if (target.call === undefined || target.block !== undefined) return target;
  let first = 0;
  const blocks = run.iterations[target.iteration]?.code_blocks ?? [];
  for (const [block, code] of blocks.entries()) {
    first += code.result.rlm_calls.length;
    if (target.call < first) return { ...target, block };
  }
  return target;
}

/**
 * Opens an iteration, code block or sub-call in the detail view (its sections built on the way),
 * scrolls to it and marks it for a moment. Returns what was opened, or undefined when it is not there.
 */
export function openTarget(iterations: HTMLElement, target: BarTarget): HTMLElement | undefined {
  const iteration = iterations.querySelector<HTMLDetailsElement>(
    `:scope > details.iteration[data-iter="${target.iteration}"]`,
  );
  if (!iteration) return undefined;
  openSection(iteration);
  let shown: HTMLElement = iteration;
  if (target.call !== undefined) {
    const block = iteration.querySelector<HTMLElement>(
      `:scope > .reply > .code-block[data-block="${target.block ?? 0}"]`,
    );
    if (block) revealCall(block, target.call);
    const call = iteration.querySelector<HTMLDetailsElement>(
      `:scope > .reply > .code-block > details.sub-call[data-call="${target.call}"]`,
    );
    if (call) {
      openSection(call);
      shown = call;
    }
  } else if (target.block !== undefined) {
    shown =
      iteration.querySelector<HTMLElement>(`:scope > .reply > .code-block[data-block="${target.block}"]`) ??
      iteration;
  }
  shown.scrollIntoView({ block: "start" });
  shown.classList.remove("flash");
  void shown.offsetWidth;
  shown.classList.add("flash");
  return shown;
}

/**
 * The root model's conversation as sent: the system prompt (when recorded), then per iteration the
 * messages added before its call and the model's reply. Compacted turns show as they were first sent.
 */
function rootConversation(run: TrajectoryRun): { role: string; content: string }[] {
  const messages: { role: string; content: string }[] = [];
  if (run.metadata.system_prompt !== undefined)
    messages.push({ role: "system", content: run.metadata.system_prompt });
  for (const iteration of run.iterations) {
    messages.push(...iteration.prompt);
    messages.push({ role: "assistant", content: iteration.response });
  }
  return messages;
}
