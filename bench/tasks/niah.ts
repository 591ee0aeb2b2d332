/**
 * Single-needle tasks. `niah` is RULER's S-NIAH (one "special magic" key/value needle in essay-like
 * text, a number or a UUID as the value); `linear` is the seed's first experiment, a needle that code
 * alone finds ("The magic number is 48213"), so the root should answer without any sub-call.
 */

import { buildHaystack, sentencePool } from "./haystack.js";
import { textInstance } from "./instance.js";
import { createRandom, type Random } from "./random.js";
import type { QuestionAsk, TaskGenerator, TaskInstance, TaskOptions } from "./types.js";
import { KEY_ADJECTIVES, KEY_NOUNS } from "./vocabulary.js";

function uuid(random: Random): string {
  const hex = (count: number): string =>
    Array.from({ length: count }, () => random.int(16).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[random.int(4)]}${hex(3)}-${hex(12)}`;
}

function build(
  task: string,
  options: TaskOptions,
  needleFor: (random: Random) => {
    text: string;
    query: string;
    ask: QuestionAsk;
    value: string;
    kind: "contains" | "exact";
  },
): TaskInstance {
  const started = performance.now();
  const random = createRandom(options.seed);
  const pool = sentencePool(random.fork("pool"));
  const needleRandom = random.fork(task);
  const needle = needleFor(needleRandom);
  const depth = 0.05 + needleRandom.next() * 0.9;
  const context = buildHaystack(random.fork("filler"), options.chars, pool, [{ text: needle.text, depth }]);
  return textInstance(task, options, started, context, [
    {
      id: `${task}-0`,
      query: needle.query,
      ask: needle.ask,
      expected: { kind: needle.kind, value: needle.value },
    },
  ]);
}

export const niahTask: TaskGenerator = {
  name: "niah",
  description: "RULER S-NIAH: one key/value needle (number or UUID) in essay-like text",
  sized: true,
  generate: (options) =>
    build("niah", options, (random) => {
      const key = `${random.pick(KEY_ADJECTIVES)}-${random.pick(KEY_NOUNS)}`;
      const numeric = random.next() < 0.5;
      const value = numeric ? String(random.between(1_000_000, 9_999_999)) : uuid(random);
      const noun = numeric ? "number" : "uuid";
      return {
        text: `One of the special magic ${noun}s for ${key} is: ${value}.`,
        query: `What is the special magic ${noun} for ${key} mentioned in the provided text?`,
        ask: { kind: "magic-key", key },
        value,
        kind: "contains",
      };
    }),
};

export const linearTask: TaskGenerator = {
  name: "linear",
  description: "a magic number that a regex finds: code alone answers, no sub-call needed",
  sized: true,
  generate: (options) =>
    build("linear", options, (random) => {
      const value = String(random.between(10_000, 99_999));
      return {
        text: `The magic number is ${value}.`,
        query: "What is the magic number hidden in the text? Reply with the number only.",
        ask: { kind: "magic-number" },
        value,
        kind: "exact",
      };
    }),
};
