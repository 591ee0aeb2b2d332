/**
 * The reader's answers to questions over running text or records: needles (a key's value, the
 * magic number, where people moved) and, for the direct baseline that gets all records at once,
 * the OOLONG aggregations. What is asked comes from the question's ask; only what the given text
 * says counts.
 */

import { LABELS, type Label } from "../tasks/record-language.js";
import type { QuestionAsk } from "../tasks/types.js";
import { labelOf, relocationCity, sentencesOf } from "./understanding.js";

type Records = { id: number; user: number; message: string }[];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function movedTo(text: string, name: string): string | undefined {
  if (!text.includes(name)) return undefined;
  for (const sentence of sentencesOf(text)) {
    const city = relocationCity(sentence, name);
    if (city) return city;
  }
  return undefined;
}

function recordsAnswer(ask: QuestionAsk, records: Records): string | undefined {
  if (records.length === 0) return undefined;
  const labelled = records.map((record) => ({ ...record, label: labelOf(record.message) }));
  if (ask.kind === "count-label") {
    return String(
      labelled.filter((r) => r.label === ask.label && (ask.user === undefined || r.user === ask.user)).length,
    );
  }
  if (ask.kind === "rank-label") {
    const counts = LABELS.map((label) => [label, labelled.filter((r) => r.label === label).length] as const);
    const sorted = [...counts].sort((left, right) => right[1] - left[1]);
    return (ask.rank === "most" ? sorted[0] : sorted.at(-1))![0];
  }
  if (ask.kind === "label-pairs") {
    const [first, second] = ask.labels;
    const byUser = new Map<number, Set<Label | undefined>>();
    for (const r of labelled) byUser.set(r.user, (byUser.get(r.user) ?? new Set()).add(r.label));
    const chosen = [...byUser]
      .filter(([, set]) => set.has(first) && set.has(second))
      .map(([id]) => id)
      .sort((left, right) => left - right);
    const lines: string[] = [];
    chosen.forEach((left, index) => {
      for (const right of chosen.slice(index + 1)) lines.push(`(${left}, ${right})`);
    });
    return lines.join("\n");
  }
  return undefined;
}

export function readQuestionAnswer(ask: QuestionAsk, text: string, records: Records): string | undefined {
  if (ask.kind === "magic-key")
    return new RegExp(`for ${escapeRegExp(ask.key)} is: (\\S+?)\\.(?:\\s|$)`).exec(text)?.[1];
  if (ask.kind === "magic-number") return /magic number is (\d+)/i.exec(text)?.[1];
  if (ask.kind === "where-one") return movedTo(text, ask.name);
  if (ask.kind === "where-each") {
    const lines = ask.names
      .map((name) => [name, movedTo(text, name)] as const)
      .filter(([, city]) => city !== undefined)
      .map(([name, city]) => `${name}: ${city}`);
    return lines.join("\n");
  }
  return recordsAnswer(ask, records);
}
