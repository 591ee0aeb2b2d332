/**
 * Scoring, as the papers do it: RULER's string match (the value appears in the answer), OOLONG's
 * exact match for labels and 0.75^|error| for numbers, F1 over pairs for OOLONG-Pairs, and the
 * fraction of names answered right for multi-needle questions. Every score is in [0, 1].
 */

import type { Expected } from "../tasks/types.js";
import { firstNumber, normalizeAnswer } from "./normalize.js";

export function containsScore(answer: string, value: string): number {
  return answer.toLowerCase().includes(value.toLowerCase()) ? 1 : 0;
}

export function exactMatchScore(answer: string, value: string): number {
  return normalizeAnswer(answer) === normalizeAnswer(value) ? 1 : 0;
}

/** OOLONG: 0.75 to the power of the absolute error; 0 when the answer holds no number. */
export function numericScore(answer: string, value: number): number {
  const predicted = firstNumber(answer);
  if (predicted === undefined) return 0;
  return 0.75 ** Math.abs(predicted - value);
}

/** Pairs of integers found in the answer, as "a,b" keys with the smaller first. */
export function parsePairs(answer: string): Set<string> {
  const pairs = new Set<string>();
  for (const match of answer.matchAll(/(\d+)\s*(?:,|&|and|-|\s)\s*(\d+)/g)) {
    const left = Number(match[1]);
    const right = Number(match[2]);
    if (left !== right) pairs.add(left < right ? `${left},${right}` : `${right},${left}`);
  }
  return pairs;
}

/** F1 between predicted and expected pairs; 1 when both are empty. */
export function pairsF1(answer: string, expected: [number, number][]): number {
  const truth = new Set(
    expected.map(([left, right]) => (left < right ? `${left},${right}` : `${right},${left}`)),
  );
  const predicted = parsePairs(answer);
  if (truth.size === 0 && predicted.size === 0) return 1;
  if (truth.size === 0 || predicted.size === 0) return 0;
  let hits = 0;
  for (const pair of predicted) if (truth.has(pair)) hits++;
  if (hits === 0) return 0;
  const precision = hits / predicted.size;
  const recall = hits / truth.size;
  return (2 * precision * recall) / (precision + recall);
}

/** For each name, the answer's line that mentions it must also name its value. */
export function assignmentsScore(answer: string, expected: Record<string, string>): number {
  const names = Object.keys(expected);
  if (names.length === 0) return 1;
  const lines = answer.toLowerCase().split("\n");
  let right = 0;
  for (const name of names) {
    const line = lines.find((candidate) => candidate.includes(name.toLowerCase()));
    if (line?.includes(expected[name]!.toLowerCase())) right++;
  }
  return right / names.length;
}

export function score(expected: Expected, answer: string): number {
  switch (expected.kind) {
    case "contains":
      return containsScore(answer, expected.value);
    case "exact":
      return exactMatchScore(answer, expected.value);
    case "number":
      return numericScore(answer, expected.value);
    case "pairs":
      return pairsF1(answer, expected.value);
    case "assignments":
      return assignmentsScore(answer, expected.value);
  }
}

export { firstNumber, normalizeAnswer } from "./normalize.js";
