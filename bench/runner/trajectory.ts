/**
 * Reads a run's JSONL trajectory back for the report, shortening long texts (a sub-call prompt
 * can hold a whole chunk of context): head and tail kept, with the number of characters cut.
 */

import { readFileSync } from "node:fs";
import type { TrajectoryLine } from "../../src/trace/types.js";

const KEEP = 1_500;

export function shorten(text: string, keep = KEEP): string {
  if (text.length <= keep * 2) return text;
  return `${text.slice(0, keep)}\n[... ${text.length - 2 * keep} characters cut ...]\n${text.slice(-keep)}`;
}

function shortenDeep(value: unknown): unknown {
  if (typeof value === "string") return shorten(value);
  if (Array.isArray(value)) return value.map(shortenDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shortenDeep(inner)]));
  }
  return value;
}

export function readTrajectory(path: string | undefined): TrajectoryLine[] {
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => shortenDeep(JSON.parse(line)) as TrajectoryLine);
}
