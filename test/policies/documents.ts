/**
 * Deterministic long documents for RLM tests: seeded filler prose of a chosen length with one
 * sentence (the needle) placed at a chosen fraction of it.
 */

const SUBJECTS = [
  "The committee",
  "A traveller",
  "The old mill",
  "Our neighbour",
  "The river",
  "The archive",
  "A small boat",
];
const VERBS = ["considered", "described", "ignored", "measured", "painted", "recorded", "visited"];
const OBJECTS = [
  "the northern hills",
  "a list of grain prices",
  "the weather of that spring",
  "the harbour lights",
  "an unfinished bridge",
  "the sound of the bells",
  "several letters from abroad",
];

/** mulberry32: small, fast and deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

export interface DocumentOptions {
  chars: number;
  seed?: number;
  needle: string;
  /** Where the needle goes, 0..1. Default 0.6. */
  at?: number;
}

export function makeDocument(options: DocumentOptions): string {
  const next = random(options.seed ?? 1);
  const sentences: string[] = [];
  let length = 0;
  let paragraph = 0;
  while (length < options.chars) {
    const sentence = `${pick(SUBJECTS, next)} ${pick(VERBS, next)} ${pick(OBJECTS, next)} in year ${1800 + Math.floor(next() * 200)}.`;
    paragraph++;
    const piece = paragraph % 6 === 0 ? `${sentence}\n\n` : `${sentence} `;
    sentences.push(piece);
    length += piece.length;
  }
  const index = Math.floor(sentences.length * (options.at ?? 0.6));
  sentences.splice(index, 0, `${options.needle} `);
  return sentences.join("");
}
