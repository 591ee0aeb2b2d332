/**
 * The model's reply as written: prose, with its fenced code blocks set apart. A fence that the REPL
 * ran is shown as that code block, with its output right under it (matched by its code, in order);
 * a ran block that no fence matches (a reply format we do not split) follows the reply.
 */

import type { CodeBlockRecord } from "../../trace/types.js";
import { type Child, element } from "./dom.js";
import { highlightPython } from "./highlight.js";

const PYTHON = /^(repl|python|py|code)$/i;

const FENCE = /```([^\n`]*)\n([\s\S]*?)```/g;

export function renderReply(
  reply: string,
  blocks: CodeBlockRecord[],
  renderBlock: (block: CodeBlockRecord, index: number) => HTMLElement,
): HTMLElement {
  const parts: Child[] = [];
  const shown = new Set<number>();
  let last = 0;
  for (const match of reply.matchAll(FENCE)) {
    const start = match.index ?? 0;
    const prose = reply.slice(last, start).trim();
    if (prose) parts.push(element("pre", "prose", prose));
    const code = match[2] ?? "";
    const index = blocks.findIndex((block, at) => !shown.has(at) && block.code.trim() === code.trim());
    if (index >= 0) {
      shown.add(index);
      parts.push(renderBlock(blocks[index]!, index));
    } else {
      const language = (match[1] ?? "").trim() || "code";
      parts.push(
        element(
          "div",
          "fence",
          element("div", "label", `${language} (not run)`),
          element("pre", "code", ...(PYTHON.test(language) ? highlightPython(code) : [code])),
        ),
      );
    }
    last = start + match[0].length;
  }
  const rest = reply.slice(last).trim();
  if (rest) parts.push(element("pre", "prose", rest));
  if (parts.length === 0) parts.push(element("pre", "prose", element("span", "empty", "(empty reply)")));
  blocks.forEach((block, index) => {
    if (!shown.has(index)) parts.push(renderBlock(block, index));
  });
  return element("div", "reply", ...parts);
}
