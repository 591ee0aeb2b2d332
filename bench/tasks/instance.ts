/**
 * The one place a generated text context becomes a `TaskInstance`, so every generator reports its
 * size, seed and generation time the same way.
 */

import type { BenchQuestion, TaskInstance, TaskOptions } from "./types.js";

export function textInstance(
  task: string,
  options: TaskOptions,
  started: number,
  context: string,
  questions: BenchQuestion[],
): TaskInstance {
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
