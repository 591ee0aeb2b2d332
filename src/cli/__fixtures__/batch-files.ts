/** Reading what `rlm batch` and `rlm worker` wrote, while they run, for the batch CLI tests. */
import { existsSync, readFileSync } from "node:fs";

/** The complete lines of a results file (a line being written is left out). */
export function readLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.endsWith("}"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The sub-call prompts a trajectory's text records as answered (its `call` lines). */
export function answeredPrompts(trajectory: string): string[] {
  return trajectory
    .split("\n")
    .filter((line) => line.startsWith('{"type":"call"'))
    .map((line) => JSON.parse(line) as { prompt?: string })
    .flatMap((call) => (call.prompt === undefined ? [] : [call.prompt]));
}

export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
