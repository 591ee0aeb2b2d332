/**
 * Fast filler text: a pool of a few thousand distinct sentences is built once per seed from the
 * word lists, then a haystack of any length is a seeded walk over that pool, copied as bytes into
 * one buffer: 100 M characters take a second or two and about their own size in memory.
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

export interface Needle {
  text: string;
  /** Where it goes, 0 (start) to 1 (end), as a fraction of the requested length. */
  depth: number;
}

/**
 * Filler of about `targetChars` characters with the needles at their depths, each at a sentence
 * boundary. Written into one buffer (the pool is ASCII) and turned into a string once, so a 100 MB
 * context costs about its own size in memory rather than a list of millions of pieces plus a join.
 */
export function buildHaystack(
  random: Random,
  targetChars: number,
  pool: readonly string[],
  needles: readonly Needle[],
): string {
  const pieces = pool.flatMap((sentence) => [Buffer.from(`${sentence} `), Buffer.from(`${sentence}\n\n`)]);
  const longest = Math.max(...pieces.map((piece) => piece.length));
  const placed = needles
    .map((needle) => ({ bytes: Buffer.from(`${needle.text} `), offset: needle.depth * targetChars }))
    .sort((left, right) => left.offset - right.offset);
  const needleBytes = placed.reduce((sum, needle) => sum + needle.bytes.length, 0);
  const buffer = Buffer.allocUnsafe(targetChars + longest + needleBytes);
  const mask = pool.length - 1;
  const power = (pool.length & mask) === 0;
  let length = 0;
  let next = 0;
  while (length < targetChars) {
    while (next < placed.length && placed[next]!.offset <= length) {
      const needle = placed[next++]!.bytes;
      buffer.set(needle, length);
      length += needle.length;
    }
    const index = power ? Math.floor(random.next() * 4294967296) & mask : random.int(pool.length);
    // Every sixth sentence or so ends a paragraph.
    const piece = pieces[2 * index + (random.next() < 0.16 ? 1 : 0)]!;
    buffer.set(piece, length);
    length += piece.length;
  }
  while (next < placed.length) length += placed[next++]!.bytes.copy(buffer, length);
  return buffer.toString("latin1", 0, length);
}
