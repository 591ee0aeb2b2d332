/**
 * One iteration: the messages sent to the model since the previous one, its reasoning and reply,
 * and what each code block did (output, variables, time, sub-calls). A child RLM's iterations are
 * rendered by this same function inside the sub-call that started them, so recursion nests.
 */

import type { CodeBlockRecord, IterationRecord, SubCallRecord } from "../../trace/types.js";
import { badge, type Child, element, facts, section, textBlock } from "./dom.js";
import { formatCount, formatSeconds, formatTokens } from "./format.js";
import { renderReply } from "./render-reply.js";

export function renderIteration(iteration: IterationRecord, open: boolean): HTMLDetailsElement {
  const summary: Child[] = [
    element("span", "title", `Iteration ${iteration.iteration}`),
    iteration.depth > 0 && badge(`depth ${iteration.depth}`, "depth"),
    element("span", "meta", `${formatSeconds(iteration.iteration_time)} · ${formatTokens(iteration.usage)}`),
    iteration.code_blocks.length > 0 && badge(plural(iteration.code_blocks.length, "code block")),
    iteration.final_answer !== undefined && badge("final answer", "final"),
    iteration.stop_reason && badge(`stopped: ${iteration.stop_reason}`, "stop"),
    iteration.compacted_messages && badge(`${iteration.compacted_messages} messages summarized`, "note"),
  ];
  return section("iteration", summary, () => iterationBody(iteration), open);
}

function iterationBody(iteration: IterationRecord): Child[] {
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
    renderReply(iteration.response, iteration.code_blocks, renderCodeBlock),
    iteration.final_answer !== undefined && textBlock("Final answer", iteration.final_answer, "final-answer"),
  ];
}

function renderCodeBlock(block: CodeBlockRecord, index: number): HTMLElement {
  const { result } = block;
  const locals = Object.entries(result.locals);
  return element(
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
    textBlock("code", block.code, "code"),
    textBlock("stdout", result.stdout, "stdout"),
    result.stderr !== "" && textBlock("stderr", result.stderr, "stderr"),
    result.error !== undefined && textBlock("error", result.error, "error"),
    locals.length > 0 && element("div", "label", "Variables"),
    locals.length > 0 && facts(locals),
    result.rlm_calls.length > 0 && element("div", "label", `Sub-calls (${result.rlm_calls.length})`),
    ...result.rlm_calls.map((call, callIndex) => renderSubCall(call, callIndex)),
  );
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
