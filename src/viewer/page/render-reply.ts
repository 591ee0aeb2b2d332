/**
 * The model's reply as written: prose, with its fenced code blocks set apart so the code the REPL
 * ran stands out. Text only; a fence's language tag (`repl`, `python`) is shown as its label.
 */

import { type Child, element } from "./dom.js";

const FENCE = /```([^\n`]*)\n([\s\S]*?)```/g;

export function renderReply(reply: string): HTMLElement {
  const parts: Child[] = [];
  let last = 0;
  for (const match of reply.matchAll(FENCE)) {
    const start = match.index ?? 0;
    const prose = reply.slice(last, start).trim();
    if (prose) parts.push(element("pre", "prose", prose));
    const language = (match[1] ?? "").trim() || "code";
    parts.push(
      element("div", "fence", element("div", "label", language), element("pre", "code", match[2] ?? "")),
    );
    last = start + match[0].length;
  }
  const rest = reply.slice(last).trim();
  if (rest) parts.push(element("pre", "prose", rest));
  if (parts.length === 0) parts.push(element("pre", "prose", element("span", "empty", "(empty reply)")));
  return element("div", "reply", ...parts);
}
