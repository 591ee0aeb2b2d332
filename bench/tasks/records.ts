/**
 * OOLONG-style aggregation over thousands of short records (one per line: id, date, user, text).
 * Each record's label (complaint, praise, question, request, update) is implied by its text and
 * never written, so answering takes reading every record (sub-calls) and then counting (code).
 * `oolong` asks counts (scored 0.75^|error|) and the most common label (exact match);
 * `oolong-pairs` asks for the pairs of users that both meet a condition (scored by F1).
 */

import { createRandom, type Random } from "./random.js";
import { DAYS, ITEMS, LABELS, type Label, RECORD_TEMPLATES, sentenceCase } from "./record-language.js";
import type { BenchQuestion, TaskGenerator, TaskInstance, TaskOptions } from "./types.js";

export interface LogRecord {
  id: number;
  user: number;
  label: Label;
  line: string;
}

const LABEL_SET = LABELS.join(", ");
const PREAMBLE =
  `Each line of the context is one customer record: id, date, user, message. Every message is ` +
  `exactly one of these labels: ${LABEL_SET}. The label is not written; judge it from the message.`;

function recordLine(random: Random, id: number, user: number, label: Label): string {
  const template = random.pick(RECORD_TEMPLATES[label]);
  const text = sentenceCase(
    template.replace("{item}", random.pick(ITEMS)).replace("{day}", random.pick(DAYS)),
  );
  const month = String(random.between(1, 12)).padStart(2, "0");
  const day = String(random.between(1, 28)).padStart(2, "0");
  return `record ${id} | 2024-${month}-${day} | user ${user} | ${text}`;
}

function userIds(random: Random, count: number): number[] {
  const ids = new Set<number>();
  while (ids.size < count) ids.add(random.between(1000, 99_999));
  return [...ids];
}

/** Draws records until the text reaches `chars`; `labelFor` decides each record's label. */
function drawRecords(
  random: Random,
  chars: number,
  users: readonly number[],
  labelFor: (user: number) => Label,
): LogRecord[] {
  const records: LogRecord[] = [];
  let length = 0;
  while (length < chars) {
    const user = users[random.int(users.length)]!;
    const label = labelFor(user);
    const line = recordLine(random, records.length + 1, user, label);
    records.push({ id: records.length + 1, user, label, line });
    length += line.length + 1;
  }
  return records;
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
  records: LogRecord[],
  questions: BenchQuestion[],
): TaskInstance {
  const context = records.map((record) => record.line).join("\n");
  return {
    task,
    requestedChars: options.chars,
    chars: context.length,
    seed: options.seed,
    context,
    questions,
    generationMs: performance.now() - started,
  };
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
    const records = drawRecords(recordRandom, options.chars, users, () => draw(recordRandom));
    const counts = new Map<Label, number>(LABELS.map((label) => [label, 0]));
    for (const record of records) counts.set(record.label, counts.get(record.label)! + 1);
    const ranked = [...counts.entries()].sort((left, right) => right[1] - left[1]);
    const questionRandom = random.fork("questions");
    const questions: BenchQuestion[] = [];
    const total = options.questions ?? 3;
    for (let index = 0; index < total; index++) {
      const kind = index % 3;
      const id = `oolong-${index}`;
      if (kind === 1 && ranked[0]![1] !== ranked[1]![1]) {
        questions.push({
          id,
          query: `${PREAMBLE} Which label is the most common among all records? Answer with the label only.`,
          expected: { kind: "exact", value: ranked[0]![0] },
        });
      } else if (kind === 2) {
        const record = records[questionRandom.int(records.length)]!;
        const label = questionRandom.pick(LABELS);
        const count = records.filter((other) => other.user === record.user && other.label === label).length;
        questions.push({
          id,
          query: `${PREAMBLE} How many records from user ${record.user} are labelled ${label}? Answer with a number.`,
          expected: { kind: "number", value: count },
        });
      } else {
        const label = questionRandom.pick(LABELS);
        questions.push({
          id,
          query: `${PREAMBLE} How many records in total are labelled ${label}? Answer with a number.`,
          expected: { kind: "number", value: counts.get(label)! },
        });
      }
    }
    return instance("oolong", options, started, records, questions);
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
    const recordRandom = random.fork("records");
    const records = drawRecords(recordRandom, options.chars, users, (user) =>
      decoys.has(user) ? recordRandom.pick(others) : recordRandom.pick([...others, common!]),
    );
    // Each qualifying user gets one record of each label of the condition, each decoy one rare one.
    const fixRandom = random.fork("fix");
    const byUser = new Map<number, LogRecord[]>();
    for (const record of records) {
      const own = byUser.get(record.user);
      if (own === undefined) byUser.set(record.user, [record]);
      else own.push(record);
    }
    const relabel = (user: number, label: Label, avoid: Label | undefined): void => {
      const own = (byUser.get(user) ?? []).filter((record) => record.label !== avoid);
      let record = own.length > 0 ? fixRandom.pick(own) : undefined;
      if (record === undefined) {
        record = { id: records.length + 1, user, label, line: "" };
        records.push(record);
        byUser.set(user, [record]);
      }
      record.label = label;
      record.line = recordLine(fixRandom, record.id, user, label);
    };
    for (const user of qualifying) {
      relabel(user, common!, undefined);
      relabel(user, rare!, common);
    }
    for (const user of decoys) relabel(user, rare!, undefined);
    const sorted = [...qualifying].sort((left, right) => left - right);
    const pairs: [number, number][] = [];
    for (let left = 0; left < sorted.length; left++) {
      for (let right = left + 1; right < sorted.length; right++) pairs.push([sorted[left]!, sorted[right]!]);
    }
    const query =
      `${PREAMBLE} List every pair of users such that both users have at least one record labelled ` +
      `${common} and at least one record labelled ${rare}. Answer with one pair per line as (smaller id, larger id).`;
    return instance("oolong-pairs", options, started, records, [
      { id: "oolong-pairs-0", query, expected: { kind: "pairs", value: pairs } },
    ]);
  },
};
