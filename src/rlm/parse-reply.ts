/**
 * Reads a root model's reply: thinking sections, code blocks to run, and an answer written outside
 * code (`FINAL(...)` / `FINAL_VAR(...)` on a line of its own, the paper's protocol). Real models
 * are sloppy: they use ```python instead of ```repl, forget the closing fence of the last block,
 * think aloud in <think> tags and put parentheses and quotes inside FINAL, so each of those is
 * handled here rather than left to fail in the loop.
 */

import { readFinalArgument, unquotePythonString } from "./final-argument.js";

export interface CodeBlock {
  code: string;
  /** The fence's language tag as written (`repl`, `python`, `py`, or "" for a bare fence). */
  language: string;
  /** True when the reply ended before the closing fence. */
  unterminated: boolean;
}

export type FinalAnswer =
  | { kind: "text"; text: string }
  /** `FINAL_VAR(name)`: the answer is the value of a REPL variable, read after the code ran. */
  | { kind: "variable"; name: string };

export interface ParsedReply {
  codeBlocks: CodeBlock[];
  /** An answer written outside code, if any. */
  final: FinalAnswer | undefined;
  /** Text outside thinking and outside code blocks, trimmed. */
  prose: string;
  /** Thinking sections that were dropped, joined (undefined when there were none). */
  thinking: string | undefined;
}

const CODE_LANGUAGES = new Set(["repl", "python", "python3", "py"]);
/** Each thinking tag with its paired-section pattern, built once (a reply is parsed every turn). */
const THINK_TAGS = ["think", "thinking", "reasoning"].map((tag) => ({
  open: `<${tag}>`,
  close: `</${tag}>`,
  paired: new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"),
}));

export function parseReply(reply: string): ParsedReply {
  const { visible, thinking } = splitThinking(reply);
  const { blocks, prose } = splitCode(visible);
  // A bare ``` fence is run only when the reply has no labelled code fence: small models often
  // write code in bare fences, while capable ones use bare fences for sample output.
  const labelled = blocks.filter((block) => CODE_LANGUAGES.has(block.language));
  const codeBlocks = labelled.length > 0 ? labelled : blocks.filter((block) => block.language === "");
  const notRun = blocks.filter((block) => !codeBlocks.includes(block)).map((block) => block.code);
  const outside = [prose, ...notRun].join("\n");
  return {
    codeBlocks: codeBlocks.filter((block) => block.code.trim() !== ""),
    final: findFinal(outside),
    prose: prose.trim(),
    thinking: thinking.length > 0 ? thinking.join("\n").trim() : undefined,
  };
}

/** Removes <think>…</think> sections, an orphan closing tag (the template opened it) and an unterminated one. */
function splitThinking(reply: string): { visible: string; thinking: string[] } {
  const thinking: string[] = [];
  let text = reply;
  for (const { open, close, paired } of THINK_TAGS) {
    const closeIndex = text.indexOf(close);
    const openIndex = text.indexOf(open);
    if (closeIndex >= 0 && (openIndex < 0 || openIndex > closeIndex)) {
      thinking.push(text.slice(0, closeIndex));
      text = text.slice(closeIndex + close.length);
    }
    if (openIndex >= 0) {
      text = text.replace(paired, (_match, inner: string) => {
        thinking.push(inner);
        return "";
      });
    }
    const unterminated = text.indexOf(open);
    if (unterminated >= 0) {
      thinking.push(text.slice(unterminated + open.length));
      text = text.slice(0, unterminated);
    }
  }
  return { visible: text, thinking };
}

const OPENING_FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\n`]*\n/g;
/** A closing fence: a line that starts with ``` (a new opening fence also ends an unclosed block). */
const CLOSING_FENCE = /^[ \t]*```/gm;

function splitCode(text: string): { blocks: CodeBlock[]; prose: string } {
  const blocks: CodeBlock[] = [];
  const proseParts: string[] = [];
  let position = 0;
  while (position < text.length) {
    OPENING_FENCE.lastIndex = position;
    const opening = OPENING_FENCE.exec(text);
    if (!opening) break;
    proseParts.push(text.slice(position, opening.index));
    const codeStart = opening.index + opening[0].length;
    const language = (opening[1] ?? "").toLowerCase();
    CLOSING_FENCE.lastIndex = codeStart;
    const closing = CLOSING_FENCE.exec(text);
    if (!closing) {
      blocks.push({ code: text.slice(codeStart), language, unterminated: true });
      position = text.length;
      break;
    }
    blocks.push({ code: text.slice(codeStart, closing.index), language, unterminated: false });
    position = afterClosingFence(text, closing.index + closing[0].length);
  }
  if (position < text.length) proseParts.push(text.slice(position));
  return { blocks, prose: proseParts.join("\n") };
}

/** Where scanning resumes after a closing fence that ends at `fenceEnd`. */
function afterClosingFence(text: string, fenceEnd: number): number {
  const lineEnd = text.indexOf("\n", fenceEnd);
  const rest = text.slice(fenceEnd, lineEnd < 0 ? text.length : lineEnd).trim();
  // A fence line with a language tag is the next block's opening (the previous one was never
  // closed): leave it for the next scan.
  if (/^[A-Za-z]/.test(rest)) return fenceEnd - 3;
  return lineEnd < 0 ? text.length : lineEnd + 1;
}

/** FINAL / FINAL_VAR at the start of a line (after optional markdown such as `**` or `> `). */
const FINAL_START = /(^|\n)[ \t>*_`#-]*(FINAL_VAR|FINAL)[ \t]*\(/g;

function findFinal(text: string): FinalAnswer | undefined {
  FINAL_START.lastIndex = 0;
  const match = FINAL_START.exec(text);
  if (!match) return undefined;
  const openParen = match.index + match[0].length - 1;
  const argument = readFinalArgument(text, openParen);
  if (match[2] === "FINAL_VAR") {
    const name = unquotePythonString(argument.trim()) ?? argument.trim();
    return { kind: "variable", name: name.trim() };
  }
  const trimmed = argument.trim();
  return { kind: "text", text: unquotePythonString(trimmed) ?? trimmed };
}
