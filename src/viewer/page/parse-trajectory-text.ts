/**
 * Reading a whole JSONL trajectory in the page, the same way as `parseTrajectory` in `src/trace`:
 * one run per metadata line (a session's file holds several), a last line cut off mid-write is
 * reported rather than fatal, and any other bad line is an error naming its line number.
 */

import type { Trajectory, TrajectoryRun } from "../../trace/read-trajectory.js";
import { fieldsOf, readIteration, readMetadata, readResult } from "./read-records.js";

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
  const lines = text.split("\n");
  const lastFilled = lines.findLastIndex((line) => line.trim() !== "");
  const runs: TrajectoryRun[] = [];
  let truncated = false;
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (index === lastFilled && !text.endsWith("\n")) {
        truncated = true;
        break;
      }
      throw lineError(source, index, "is not valid JSON");
    }
    const fields = fieldsOf(value);
    if (fields.type === "metadata") {
      runs.push({ metadata: readMetadata(fields), iterations: [], result: undefined });
      continue;
    }
    // Official logs may start with iterations when the metadata line was not written.
    let run = runs.at(-1);
    if (!run) {
      run = { metadata: readMetadata({}), iterations: [], result: undefined };
      runs.push(run);
    }
    if (fields.type === "iteration") run.iterations.push(readIteration(fields));
    else if (fields.type === "result") run.result = readResult(fields);
    else throw lineError(source, index, `has an unknown type ${JSON.stringify(fields.type) ?? "(none)"}`);
  }
  if (runs.length === 0 && !truncated) {
    throw new TrajectoryTextError(
      `${source} holds no trajectory lines.`,
      "Pick the .jsonl file written with --trace (or `trace:` in code); it may still be empty if the run just started.",
    );
  }
  return { runs, truncated };
}

function lineError(source: string, index: number, what: string): TrajectoryTextError {
  return new TrajectoryTextError(
    `Line ${index + 1} of ${source} ${what}.`,
    "The file may come from another program or version; check its first line.",
  );
}
