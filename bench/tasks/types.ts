/**
 * What a task generator produces: a context and questions whose expected answers the generator
 * knows, with the scoring rule each answer is judged by.
 */

import type { ContextInput } from "../../src/sandbox/types.js";

export type Expected =
  /** RULER's string match: the value appears in the answer (case-insensitive). */
  | { kind: "contains"; value: string }
  /** OOLONG's exact match after normalisation (labels, file paths). */
  | { kind: "exact"; value: string }
  /** OOLONG's numeric score: 0.75^|error|. */
  | { kind: "number"; value: number }
  /** OOLONG-Pairs: F1 between the pairs in the answer and these (each pair smaller id first). */
  | { kind: "pairs"; value: [number, number][] }
  /** Multi-needle: fraction of names whose line in the answer names the right value. */
  | { kind: "assignments"; value: Record<string, string> };

export interface BenchQuestion {
  id: string;
  query: string;
  expected: Expected;
}

export interface TaskInstance {
  task: string;
  /** The requested size in characters (0 for a source tree, whose size is what it is). */
  requestedChars: number;
  /** Characters actually generated. */
  chars: number;
  seed: number;
  context: ContextInput;
  questions: BenchQuestion[];
  generationMs: number;
}

export interface TaskOptions {
  seed: number;
  /** Target size in characters. */
  chars: number;
  /** Questions per instance, where a task can ask several over one context. */
  questions?: number;
  /** For `codebase`: the directory to read. */
  directory?: string;
}

export interface TaskGenerator {
  name: string;
  description: string;
  /** Whether `chars` means anything (a source tree has the size it has). */
  sized: boolean;
  generate(options: TaskOptions): TaskInstance | Promise<TaskInstance>;
}
