/**
 * Datasets for batch runs: each task's context is words of its own letter (`a0001 b0001 ...`), so
 * no two tasks send the same sub-call prompt and a request at the fake server names its task. The
 * models are `fanOutPolicies` (test/policies/durable.ts): the root splits the context in chunks,
 * fans them out to the sub-model with `llm_query_batched` and submits `total=<words> picked=[...]`.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FakeServer } from "../fakes/types.js";

/** `count` words of 6 characters (5 plus a space), all starting with `letter`. */
export function letterWords(letter: string, count: number): string {
  return Array.from(
    { length: count },
    (_, index) => `${letter}${String(index % 10_000).padStart(4, "0")} `,
  ).join("");
}

export interface BatchDataset {
  /** Ids in file order, with the word count each task's answer must give. */
  tasks: { id: string; words: number; query: string }[];
  tasksFile: string;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Writes `count` tasks to `directory`: rlm lines whose context is a file `<letter>.txt` (`paths`),
 * of `words(index)` words. Up to 26 tasks with distinct letters; beyond, letters repeat with other counts.
 */
export function writeBatchDataset(
  directory: string,
  count: number,
  words: (index: number) => number = (index) => 1200 + 600 * (index % 4),
): BatchDataset {
  const tasks: BatchDataset["tasks"] = [];
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const letter = LETTERS[index % 26] as string;
    const id = `task-${String(index + 1).padStart(3, "0")}`;
    const file = `${id}.txt`;
    const total = words(index);
    writeFileSync(join(directory, file), letterWords(letter, total));
    const query = `How many words are in ${id}?`;
    tasks.push({ id, words: total, query });
    lines.push(JSON.stringify({ id, query, paths: [file] }));
  }
  const tasksFile = join(directory, "tasks.jsonl");
  writeFileSync(tasksFile, `${lines.join("\n")}\n`);
  return { tasks, tasksFile };
}

/** The last message of every request `model` received. */
export function promptsAt(server: FakeServer, model: string): string[] {
  return server.requests
    .filter((request) => request.model === model)
    .map((request) => request.messages.at(-1)?.content ?? "");
}

/** Root requests per query: the root's first user message names the task. */
export function rootRequestsOf(server: FakeServer, query: string): number {
  return server.requests.filter(
    (request) =>
      request.model === "root" && request.messages.some((message) => message.content.includes(query)),
  ).length;
}
