/**
 * OOLONG-style aggregation over thousands of short records (one per line: id, date, user, text).
 * Each record's label (complaint, praise, question, request, update) is implied by its text and
 * never written, so answering takes reading every record (sub-calls) and then counting (code).
 * `oolong` asks counts (scored 0.75^|error|) and the most common label (exact match);
 * `oolong-pairs` asks for the pairs of users that both meet a condition (scored by F1).
 */

import { textInstance } from "./instance.js";
import { createRandom, type Random } from "./random.js";
import { LABELS, type Label } from "./record-language.js";
import { RecordWriter } from "./record-writer.js";
import type { BenchQuestion, TaskGenerator, TaskInstance, TaskOptions } from "./types.js";

const LABEL_SET = LABELS.join(", ");
const PREAMBLE =
  `Each line of the context is one customer record: id, date, user, message. Every message is ` +
  `exactly one of these labels: ${LABEL_SET}. The label is not written; judge it from the message.`;

function userIds(random: Random, count: number): number[] {
  const ids = new Set<number>();
  while (ids.size < count) ids.add(random.between(1000, 99_999));
  return [...ids];
}

function weightedLabels(random: Random): (random: Random) => Label {
  const weights = random.shuffle([0.34, 0.24, 0.18, 0.14, 0.1]);
  return (draw) => {
    let roll = draw.next();
    for (let index = 0; index < LABELS.length; index++) {
      roll -= weights[index]!;
      if (roll < 0) return LABELS[index]!;
    }
    return LABELS[LABELS.length - 1]!;
  };
}

function userCount(chars: number): number {
  return Math.min(5000, Math.max(12, Math.round(chars / 85 / 12)));
}

function instance(
  task: string,
  options: TaskOptions,
  started: number,
  writer: RecordWriter,
  questions: BenchQuestion[],
): TaskInstance {
  return textInstance(task, options, started, writer.text(), questions);
}

export const oolongTask: TaskGenerator = {
  name: "oolong",
  description: "OOLONG-style counts and most-common label over thousands of unlabelled records",
  sized: true,
  generate: (options) => {
    const started = performance.now();
    const random = createRandom(options.seed);
    const users = userIds(random.fork("users"), userCount(options.chars));
    const draw = weightedLabels(random.fork("weights"));
    const recordRandom = random.fork("records");
    const writer = new RecordWriter(random.fork("text"), options.chars);
    while (writer.chars < options.chars)
      writer.add(users[recordRandom.int(users.length)]!, draw(recordRandom));
    const counts = new Map<Label, number>(LABELS.map((label) => [label, 0]));
    for (let index = 0; index < writer.count; index++) {
      const label = writer.labelAt(index);
      counts.set(label, counts.get(label)! + 1);
    }
    const ranked = [...counts.entries()].sort((left, right) => right[1] - left[1]);
    const questionRandom = random.fork("questions");
    const questions: BenchQuestion[] = [];
    const total = options.questions ?? 3;
    for (let index = 0; index < total; index++) {
      const kind = index % 3;
      const id = `oolong-${index}`;
      const least = index >= 3 && index % 2 === 0;
      const [first, second] = least ? [ranked[4]!, ranked[3]!] : [ranked[0]!, ranked[1]!];
      if (kind === 1 && first[1] !== second[1]) {
        questions.push({
          id,
          query: `${PREAMBLE} Which label is the ${least ? "least" : "most"} common among all records? Answer with the label only.`,
          ask: { kind: "rank-label", rank: least ? "least" : "most" },
          expected: { kind: "exact", value: first[0] },
        });
      } else if (kind === 2) {
        const user = writer.users[questionRandom.int(writer.count)]!;
        const label = questionRandom.pick(LABELS);
        let count = 0;
        for (let other = 0; other < writer.count; other++) {
          if (writer.users[other] === user && writer.labelAt(other) === label) count++;
        }
        questions.push({
          id,
          query: `${PREAMBLE} How many records from user ${user} are labelled ${label}? Answer with a number.`,
          ask: { kind: "count-label", label, user },
          expected: { kind: "number", value: count },
        });
      } else {
        const label = questionRandom.pick(LABELS);
        questions.push({
          id,
          query: `${PREAMBLE} How many records in total are labelled ${label}? Answer with a number.`,
          ask: { kind: "count-label", label },
          expected: { kind: "number", value: counts.get(label)! },
        });
      }
    }
    return instance("oolong", options, started, writer, questions);
  },
};

export const oolongPairsTask: TaskGenerator = {
  name: "oolong-pairs",
  description: "OOLONG-Pairs style: every pair of users that both meet a label condition (F1)",
  sized: true,
  generate: (options) => {
    const started = performance.now();
    const random = createRandom(options.seed);
    const users = userIds(random.fork("users"), userCount(options.chars));
    const [common, rare] = random.fork("condition").shuffle(LABELS) as Label[];
    const groupSize = Math.min(20, Math.max(4, Math.floor(users.length / 6)));
    const qualifying = new Set(users.slice(0, groupSize));
    // Decoys have the rare label but never the common one: half the condition is not enough.
    const decoys = new Set(users.slice(groupSize, 2 * groupSize));
    const others = LABELS.filter((label) => label !== common && label !== rare);
    const anyButRare = [...others, common!];
    // Each qualifying user's first records are one of each label of the condition, each decoy's
    // first is the rare one; users get a record more at the end if the text ran out first.
    const missing = new Map<number, Label[]>();
    for (const user of qualifying) missing.set(user, [common!, rare!]);
    for (const user of decoys) missing.set(user, [rare!]);
    const recordRandom = random.fork("records");
    const writer = new RecordWriter(random.fork("text"), options.chars);
    const labelFor = (user: number): Label => {
      const owed = missing.get(user);
      if (owed !== undefined && owed.length > 0) return owed.shift()!;
      return recordRandom.pick(decoys.has(user) ? others : anyButRare);
    };
    while (writer.chars < options.chars) {
      const user = users[recordRandom.int(users.length)]!;
      writer.add(user, labelFor(user));
    }
    for (const [user, owed] of missing) for (const label of owed) writer.add(user, label);
    const sorted = [...qualifying].sort((left, right) => left - right);
    const pairs: [number, number][] = [];
    for (let left = 0; left < sorted.length; left++) {
      for (let right = left + 1; right < sorted.length; right++) pairs.push([sorted[left]!, sorted[right]!]);
    }
    const query =
      `${PREAMBLE} List every pair of users such that both users have at least one record labelled ` +
      `${common} and at least one record labelled ${rare}. Answer with one pair per line as (smaller id, larger id).`;
    return instance("oolong-pairs", options, started, writer, [
      {
        id: "oolong-pairs-0",
        query,
        ask: { kind: "label-pairs", labels: [common!, rare!] },
        expected: { kind: "pairs", value: pairs },
      },
    ]);
  },
};
