/**
 * Reading a whole JSONL trajectory in the page, with the same rules as `parseTrajectory` in
 * `src/trace` (both use `split-runs.ts`), each record read field by field (the page has no zod).
 */

import { splitRuns, type Trajectory } from "../../trace/split-runs.js";
import { fieldsOf, readCall, readIteration, readMetadata, readResult, readWindow } from "./read-records.js";

/** What went wrong with a file, and what to do about it. */
export class TrajectoryTextError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "TrajectoryTextError";
    this.hint = hint;
  }
}

export function parseTrajectoryText(text: string, source: string): Trajectory {
  const trajectory = splitRuns(text, {
    metadata: (value) => readMetadata(fieldsOf(value)),
    iteration: (value) => readIteration(fieldsOf(value)),
    result: (value) => readResult(fieldsOf(value)),
    call: (value) => readCall(fieldsOf(value)),
    window: (value) => readWindow(fieldsOf(value)),
    lineError: (index, what) => lineError(source, index, what),
  });
  if (trajectory.runs.length === 0 && !trajectory.truncated) {
    throw new TrajectoryTextError(
      `${source} holds no trajectory lines.`,
      "Pick the .jsonl file written with --trace (or `trace:` in code); it may still be empty if the run just started.",
    );
  }
  return trajectory;
}

function lineError(source: string, index: number, what: string): TrajectoryTextError {
  return new TrajectoryTextError(
    `Line ${index + 1} of ${source} ${what}.`,
    "The file may come from another program or version; check its first line.",
  );
}
