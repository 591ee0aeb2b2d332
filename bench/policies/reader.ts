/**
 * The simulated reader: plays the sub-model (and the direct baseline) by actually reading the text
 * in its prompt. It parses the two prompt shapes the simulated roots write (a question over a text,
 * or a batch of records to label) and answers from that text only, with NOT FOUND when the text
 * does not say. What it "understands" is in understanding.ts.
 */

import { declarations, importsByFile, lineCount } from "../tasks/source-tree.js";
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

function codebaseAnswer(question: string, text: string): string | undefined {
  const files = readFiles(text);
  if (Object.keys(files).length === 0) return undefined;
  const declared = /declares `([^`]+)`/.exec(question)?.[1];
  if (declared) return [...(declarations(files).get(declared) ?? [])][0];
  const tail = /specifier ends with "([^"]+)"/.exec(question)?.[1];
  if (tail) {
    const count = [...importsByFile(files).values()].filter((specifiers) =>
      specifiers.some((specifier) => specifier === tail || specifier.endsWith(`/${tail}`)),
    ).length;
    return String(count);
  }
  const threshold = /more than (\d+) lines/.exec(question)?.[1];
  if (threshold) {
    return String(Object.values(files).filter((content) => lineCount(content) > Number(threshold)).length);
  }
  if (/most lines/.test(question)) {
    return Object.entries(files).sort((left, right) => lineCount(right[1]) - lineCount(left[1]))[0]?.[0];
  }
  return undefined;
}

/** Answers one prompt as a sub-model (or a plain model given the whole question) would. */
export function readerAnswer(prompt: string): string {
  if (prompt.startsWith("Label each customer record")) return labelBatch(prompt);
  const question = /Question: ([\s\S]*?)\n\nText:\n/.exec(prompt)?.[1];
  if (question === undefined) return NOT_FOUND;
  const text = prompt.slice(prompt.indexOf("\n\nText:\n") + "\n\nText:\n".length);
  const answer = codebaseAnswer(question, text) ?? readQuestionAnswer(question, text, readRecords(text));
  return answer === undefined || answer === "" ? NOT_FOUND : answer;
}
