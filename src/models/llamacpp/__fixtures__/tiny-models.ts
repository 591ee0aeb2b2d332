import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The tiny GGUF models shared by every helper (`../shared/models/` from the project root). */
export const MODELS_DIR = join(import.meta.dirname, "../../../../../shared/models");
export const STORIES = join(MODELS_DIR, "stories260K.gguf");
export const RANDOM_TINY = join(MODELS_DIR, "random-tiny.gguf");
export const haveTinyModels = existsSync(STORIES) && existsSync(RANDOM_TINY);
export const skipMessage = `Skipping llama.cpp inference tests: no tiny models in ${MODELS_DIR} (see its README).`;

/** The greedy reference continuation of stories260K, read from the models' README rather than copied. */
export function storiesReference(): string {
  const readme = readFileSync(join(MODELS_DIR, "README.md"), "utf8");
  const match = /Greedy \(temperature 0\) completion of `Once upon a time` begins: `([^`]+)`/.exec(readme);
  if (match?.[1] === undefined) throw new Error("README.md no longer states the stories260K reference");
  return match[1];
}
