/**
 * The simulated reader: plays the sub-model (and the direct baseline) by actually reading the text
 * in its prompt. It parses the two prompt shapes the simulated roots write (a question over a text,
 * or a batch of records to label) and answers from that text only, with NOT FOUND when the text
 * does not say. What it "understands" is in understanding.ts.
 */

import { declarations, importsByFile, lineCount } from "../tasks/source-tree.js";
import type { QuestionAsk } from "../tasks/types.js";
import { readQuestionAnswer } from "./read-question.js";
import { labelOf } from "./understanding.js";

export const NOT_FOUND = "NOT FOUND";

/** Record lines of the form `record <id> | <date> | user <user> | <message>`. */
export function readRecords(text: string): { id: number; user: number; message: string }[] {
  const records: { id: number; user: number; message: string }[] = [];
  for (const line of text.split("\n")) {
    const match = /^record (\d+) \| [^|]+ \| user (\d+) \| (.*)$/.exec(line.trim());
    if (match) records.push({ id: Number(match[1]), user: Number(match[2]), message: match[3]! });
  }
  return records;
}

function labelBatch(prompt: string): string {
  const records = readRecords(prompt.slice(prompt.indexOf("Records:")));
  return records.map((record) => `${record.id}: ${labelOf(record.message) ?? "unknown"}`).join("\n");
}

/** Files of a direct-baseline prompt, written as `=== path ===` headers. */
export function readFiles(text: string): Record<string, string> {
  const files: Record<string, string> = {};
  const parts = text.split(/^=== (.+) ===\n/m);
  for (let index = 1; index + 1 < parts.length; index += 2)
    files[parts[index]!] = parts[index + 1]!.replace(/\n$/, "");
  return files;
}

function codebaseAnswer(ask: QuestionAsk, text: string): string | undefined {
  const files = readFiles(text);
  if (Object.keys(files).length === 0) return undefined;
  if (ask.kind === "declares") return [...(declarations(files).get(ask.name) ?? [])][0];
  if (ask.kind === "imports") {
    const tail = ask.tail;
    const count = [...importsByFile(files).values()].filter((specifiers) =>
      specifiers.some((specifier) => specifier === tail || specifier.endsWith(`/${tail}`)),
    ).length;
    return String(count);
  }
  if (ask.kind === "longer-than") {
    return String(Object.values(files).filter((content) => lineCount(content) > ask.lines).length);
  }
  if (ask.kind === "longest-file") {
    return Object.entries(files).sort((left, right) => lineCount(right[1]) - lineCount(left[1]))[0]?.[0];
  }
  return undefined;
}

/**
 * Answers one prompt as a sub-model (or a plain model given the whole question) would: a batch of
 * records to label, or a question over a text, whose ask (what it asks, from the task) says what to
 * look for; without an ask it cannot tell, and says NOT FOUND.
 */
export function readerAnswer(prompt: string, ask: QuestionAsk | undefined): string {
  if (prompt.startsWith("Label each customer record")) return labelBatch(prompt);
  const marker = "\n\nText:\n";
  if (ask === undefined || !prompt.includes(marker)) return NOT_FOUND;
  const text = prompt.slice(prompt.indexOf(marker) + marker.length);
  const answer = codebaseAnswer(ask, text) ?? readQuestionAnswer(ask, text, readRecords(text));
  return answer === undefined || answer === "" ? NOT_FOUND : answer;
}
