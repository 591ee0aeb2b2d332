/**
 * One iteration: the messages sent to the model since the previous one, its reasoning and reply,
 * and what each code block did (output, variables, time, sub-calls). A child RLM's iterations are
 * rendered by this same function inside the sub-call that started them, so recursion nests.
 */

import type { CodeBlockRecord, IterationRecord, SubCallRecord } from "../../trace/types.js";
import { badge, type Child, element, facts, section, textBlock } from "./dom.js";
import { formatCount, formatSeconds, formatTokens } from "./format.js";
import { highlightPython } from "./highlight.js";
import { renderReply } from "./render-reply.js";

/** `index` (0-based, in its run) is set as `data-iter`, for the timeline and deep links. */
export function renderIteration(
  iteration: IterationRecord,
  open: boolean,
  index?: number,
): HTMLDetailsElement {
  const summary: Child[] = [
    element("span", "title", `Iteration ${iteration.iteration}`),
    iteration.depth > 0 && badge(`depth ${iteration.depth}`, "depth"),
    element("span", "meta", `${formatSeconds(iteration.iteration_time)} · ${formatTokens(iteration.usage)}`),
    iteration.code_blocks.length > 0 && badge(plural(iteration.code_blocks.length, "code block")),
    failed(iteration) && badge("error", "error"),
    iteration.code_blocks.length === 0 && iteration.final_answer === undefined && badge("no code", "note"),
    iteration.final_answer !== undefined && badge("final answer", "final"),
    iteration.stop_reason && badge(`stopped: ${iteration.stop_reason}`, "stop"),
    iteration.compacted_messages && badge(`${iteration.compacted_messages} messages summarized`, "note"),
  ];
  const details = section("iteration", summary, () => iterationBody(iteration), open);
  if (index !== undefined) details.dataset.iter = String(index);
  return details;
}

function iterationBody(iteration: IterationRecord): Child[] {
  // Sub-calls are numbered across the iteration's blocks (`data-call`, as in `#iter=3&call=17`).
  const firstCalls: number[] = [];
  let calls = 0;
  for (const block of iteration.code_blocks) {
    firstCalls.push(calls);
    calls += block.result.rlm_calls.length;
  }
  return [
    iteration.timestamp && element("div", "meta", `Ended ${iteration.timestamp}`),
    iteration.prompt.length > 0 &&
      section(
        "prompt",
        [`Sent to the model (${plural(iteration.prompt.length, "message")})`],
        () => iteration.prompt.map((message) => textBlock(message.role, message.content, "message")),
        false,
      ),
    iteration.reasoning &&
      section("reasoning", ["Reasoning"], () => [element("pre", undefined, iteration.reasoning)], false),
    element("div", "label", "Reply"),
    renderReply(iteration.response, iteration.code_blocks, (block, index) =>
      renderCodeBlock(block, index, firstCalls[index] ?? 0),
    ),
    iteration.final_answer !== undefined && textBlock("Final answer", iteration.final_answer, "final-answer"),
  ];
}

function renderCodeBlock(block: CodeBlockRecord, index: number, firstCall: number): HTMLElement {
  const { result } = block;
  const locals = Object.entries(result.locals);
  const rendered = element(
    "div",
    "code-block",
    element(
      "div",
      "code-block-title",
      `Code block ${index + 1}`,
      element("span", "meta", ` ran in ${formatSeconds(result.execution_time)}`),
      result.error !== undefined && badge("error", "error"),
      result.restarted && badge("sandbox restarted", "stop"),
    ),
    textBlock("code", block.code, "code", highlightPython),
    textBlock("stdout", result.stdout, "stdout"),
    result.stderr !== "" && textBlock("stderr", result.stderr, "stderr"),
    result.error !== undefined && textBlock("error", result.error, "error"),
    locals.length > 0 && element("div", "label", "Variables"),
    locals.length > 0 && facts(locals),
    result.rlm_calls.length > 0 &&
      element("div", "label", `Sub-calls (${formatCount(result.rlm_calls.length)})`),
  );
  rendered.dataset.block = String(index);
  // A wide fan-out shows its first calls; the rest on request (or when the timeline opens one).
  let shownCalls = 0;
  const more = element("button", "show-all");
  more.type = "button";
  const showCalls = (upTo: number): void => {
    const end = Math.min(result.rlm_calls.length, Math.max(upTo, shownCalls));
    const added: Node[] = [];
    for (; shownCalls < end; shownCalls++) {
      const details = renderSubCall(result.rlm_calls[shownCalls]!, shownCalls);
      details.dataset.call = String(firstCall + shownCalls);
      added.push(details);
    }
    more.before(...added);
    const left = result.rlm_calls.length - shownCalls;
    more.textContent = `Show ${formatCount(Math.min(left, CALLS_PER_PAGE))} more sub-calls (${formatCount(left)} not shown)`;
    more.hidden = left === 0;
  };
  rendered.appendChild(more);
  more.addEventListener("click", () => showCalls(shownCalls + CALLS_PER_PAGE));
  showCalls(CALLS_PER_PAGE);
  callRevealers.set(rendered, (call) => showCalls(call - firstCall + 1));
  return rendered;
}

/** Sub-calls of a block shown at first, and added per click. */
const CALLS_PER_PAGE = 100;

const callRevealers = new WeakMap<HTMLElement, (call: number) => void>();

/** Makes sure sub-call `call` (numbered across its iteration) of a rendered code block is shown. */
export function revealCall(block: HTMLElement, call: number): void {
  callRevealers.get(block)?.(call);
}

function renderSubCall(call: SubCallRecord, index: number): HTMLDetailsElement {
  const children = call.children ?? [];
  const summary: Child[] = [
    element("span", "title", `${index + 1}. ${call.kind === "rlm" ? "rlm_query" : "llm_query"}`),
    element("span", "model", call.model),
    element("span", "meta", `${formatSeconds(call.execution_time)} ${formatTokens(call.usage)}`),
    children.length > 0 && badge(`child RLM, ${plural(children.length, "iteration")}`, "child"),
    call.error !== undefined && badge("error", "error"),
    element("span", "preview", preview(call.response)),
  ];
  const body = (): Child[] => [
    textBlock("prompt", call.prompt, "sub-prompt"),
    textBlock("response", call.response, "sub-response"),
    call.error !== undefined && textBlock("error", call.error, "error"),
    children.length > 0 &&
      element(
        "div",
        "child-run",
        element("div", "label", `Child RLM (${formatCount(children.length)} iterations)`),
        ...children.map((child) => renderIteration(child, false)),
      ),
  ];
  return section("sub-call", summary, body, false);
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** Whether a block of the iteration failed, or one of its sub-calls. */
export function failed(iteration: IterationRecord): boolean {
  return iteration.code_blocks.some(
    (block) =>
      block.result.error !== undefined || block.result.rlm_calls.some((call) => call.error !== undefined),
  );
}
