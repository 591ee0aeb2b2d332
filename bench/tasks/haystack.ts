/**
 * Fast filler text: a pool of a few thousand distinct sentences is built once per seed from the
 * word lists, then a haystack of any length is a seeded walk over that pool. 100 M characters take
 * about a second, because the work is pushing references to pooled strings and one `join`.
 */

import type { Random } from "./random.js";
import { OBJECTS, PREDICATES, REFLECTIONS, SUBJECTS, TAILS } from "./vocabulary.js";

const POOL_SIZE = 4096;

export function sentencePool(random: Random, extra: readonly string[] = []): string[] {
  const pool: string[] = [];
  for (let index = 0; index < POOL_SIZE; index++) {
    if (random.next() < 0.12) {
      pool.push(random.pick(REFLECTIONS));
    } else {
      pool.push(
        `${random.pick(SUBJECTS)} ${random.pick(PREDICATES)} ${random.pick(OBJECTS)} ${random.pick(TAILS)}.`,
      );
    }
  }
  // Extra sentences (distractors) are mixed in at a steady rate rather than appended.
  for (const sentence of extra) pool[random.int(POOL_SIZE)] = sentence;
  return pool;
}

/**
 * A list of sentences with paragraph breaks, about `targetChars` long once joined with `join()`.
 * Kept as a list so needles can be spliced in at sentence boundaries before joining.
 */
export function fillerSentences(random: Random, targetChars: number, pool: readonly string[]): string[] {
  const sentences: string[] = [];
  let length = 0;
  const mask = pool.length - 1;
  const power = (pool.length & mask) === 0;
  while (length < targetChars) {
    const index = power ? Math.floor(random.next() * 4294967296) & mask : random.int(pool.length);
    const sentence = pool[index]!;
    // Every sixth sentence or so ends a paragraph.
    const separator = random.next() < 0.16 ? "\n\n" : " ";
    sentences.push(sentence + separator);
    length += sentence.length + separator.length;
  }
  return sentences;
}

/** Inserts each needle at its depth (0..1) in the sentence list; returns the joined text. */
export function insertAndJoin(sentences: string[], needles: { text: string; depth: number }[]): string {
  const sorted = [...needles].sort((left, right) => right.depth - left.depth);
  for (const needle of sorted) {
    const at = Math.min(sentences.length, Math.max(0, Math.round(needle.depth * sentences.length)));
    sentences.splice(at, 0, `${needle.text} `);
  }
  return sentences.join("");
}
