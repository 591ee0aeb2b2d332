/**
 * Task generators: deterministic from a seed, sized from tens of thousands to hundreds of millions
 * of characters (except `codebase`, which is the tree it reads). Each instance carries its questions
 * and the expected answers, computed by the generator, never by a model.
 */

import { RlmError } from "../../src/errors/index.js";
import { codebaseTask } from "./codebase.js";
import { linearTask, niahTask } from "./niah.js";
import { delegateTask, parallelTask } from "./people.js";
import { oolongPairsTask, oolongTask } from "./records.js";
import type { TaskGenerator } from "./types.js";

export const TASKS: Record<string, TaskGenerator> = {
  niah: niahTask,
  linear: linearTask,
  delegate: delegateTask,
  parallel: parallelTask,
  oolong: oolongTask,
  "oolong-pairs": oolongPairsTask,
  codebase: codebaseTask,
};

export function getTask(name: string): TaskGenerator {
  const task = TASKS[name];
  if (task === undefined) {
    throw new RlmError("bench-unknown-task", `unknown task "${name}"`, {
      hint: `use one of: ${Object.keys(TASKS).join(", ")}`,
    });
  }
  return task;
}

const UNITS: Record<string, number> = { "": 1, k: 1_000, m: 1_000_000, g: 1_000_000_000 };

/** "45k" -> 45 000, "1M" -> 1 000 000, "1.5m" -> 1 500 000. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)\s*$/i.exec(text);
  if (match === null) {
    throw new RlmError("bench-bad-size", `cannot read the size "${text}"`, {
      hint: "write sizes in characters like 45k, 1M, 10M, 100M",
    });
  }
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
}

export function formatSize(chars: number): string {
  if (chars >= 1_000_000) return `${Number((chars / 1_000_000).toFixed(1))}M`;
  if (chars >= 1_000) return `${Math.round(chars / 1_000)}k`;
  return String(chars);
}

export type {
  AskKind,
  BenchQuestion,
  Expected,
  QuestionAsk,
  TaskGenerator,
  TaskInstance,
  TaskOptions,
} from "./types.js";
