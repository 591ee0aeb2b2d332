/**
 * What a task generator produces: a context and questions whose expected answers the generator
 * knows, with the scoring rule each answer is judged by.
 */

import type { ContextInput } from "../../src/sandbox/types.js";
import type { Label } from "./record-language.js";

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

/**
 * What a question asks, as data: its kind and the values it names. The generator that words the
 * question writes this beside it, and the runner hands it to the simulated models (bench/policies),
 * which choose their approach from it, never from the question's wording: rewording a question
 * cannot change what they do. Real models only ever see `query`.
 */
export type QuestionAsk =
  /** niah: the value of one "special magic" key. */
  | { kind: "magic-key"; key: string }
  /** linear: the one magic number, which a regex finds. */
  | { kind: "magic-number" }
  /** delegate: where one person ended up living. */
  | { kind: "where-one"; name: string }
  /** parallel: where each of several people ended up living. */
  | { kind: "where-each"; names: string[] }
  /** oolong: how many records have a label (of one user, or in total). */
  | { kind: "count-label"; label: Label; user?: number }
  /** oolong: the most or least common label. */
  | { kind: "rank-label"; rank: "most" | "least" }
  /** oolong-pairs: the pairs of users with at least one record of each label. */
  | { kind: "label-pairs"; labels: [Label, Label] }
  /** codebase: which file declares a name. */
  | { kind: "declares"; name: string }
  /** codebase: how many files import a module whose specifier ends with `tail`. */
  | { kind: "imports"; tail: string }
  /** codebase: how many files have more than `lines` lines. */
  | { kind: "longer-than"; lines: number }
  /** codebase: which file has the most lines. */
  | { kind: "longest-file" };

export type AskKind = QuestionAsk["kind"];

export interface BenchQuestion {
  id: string;
  /** The question as a model reads it. */
  query: string;
  /** What it asks, as data (for the simulated models). */
  ask: QuestionAsk;
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
