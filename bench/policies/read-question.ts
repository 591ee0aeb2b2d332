/**
 * The reader's answers to questions over running text or records: needles (a key's value, the
 * magic number, where people moved) and, for the direct baseline that gets all records at once,
 * the OOLONG aggregations. Only what the given text says counts.
 */

import { LABELS, type Label } from "../tasks/record-language.js";
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

function recordsAnswer(question: string, records: Records): string | undefined {
  if (records.length === 0) return undefined;
  const labelled = records.map((record) => ({ ...record, label: labelOf(record.message) }));
  const user = /from user (\d+) are labelled (\w+)/.exec(question);
  if (user) {
    return String(labelled.filter((r) => r.user === Number(user[1]) && r.label === user[2]).length);
  }
  const total = /in total are labelled (\w+)/.exec(question);
  if (total) return String(labelled.filter((r) => r.label === total[1]).length);
  const rank = /(most|least) common/.exec(question)?.[1];
  if (rank) {
    const counts = LABELS.map((label) => [label, labelled.filter((r) => r.label === label).length] as const);
    const sorted = [...counts].sort((left, right) => right[1] - left[1]);
    return (rank === "most" ? sorted[0] : sorted.at(-1))![0];
  }
  const pairs = /at least one record labelled (\w+) and at least one record labelled (\w+)/.exec(question);
  if (pairs) {
    const byUser = new Map<number, Set<Label | undefined>>();
    for (const r of labelled) byUser.set(r.user, (byUser.get(r.user) ?? new Set()).add(r.label));
    const chosen = [...byUser]
      .filter(([, set]) => set.has(pairs[1] as Label) && set.has(pairs[2] as Label))
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

export function readQuestionAnswer(question: string, text: string, records: Records): string | undefined {
  const key = /special magic \w+ for (\S+) mentioned/.exec(question)?.[1];
  if (key) return new RegExp(`for ${escapeRegExp(key)} is: (\\S+?)\\.(?:\\s|$)`).exec(text)?.[1];
  if (/magic number/.test(question)) return /magic number is (\d+)/i.exec(text)?.[1];
  const single = /did (.+?) end up living\?/.exec(question)?.[1];
  if (single) return movedTo(text, single);
  const many = /end up living: (.+?)\?/.exec(question)?.[1];
  if (many) {
    const lines = many
      .split("; ")
      .map((name) => [name, movedTo(text, name)] as const)
      .filter(([, city]) => city !== undefined)
      .map(([name, city]) => `${name}: ${city}`);
    return lines.join("\n");
  }
  return recordsAnswer(question, records);
}
