/**
 * How the lines of a trajectory file make runs, once for both readers (`read-trajectory.ts` with
 * zod in Node, the viewer page without dependencies): each reader brings its own way of checking
 * one record and of reporting a bad line. Pure, so the page can bundle it.
 *
 * - A metadata line starts a run (a session's file holds several); official logs may start with
 *   iterations and no metadata, which start an implicit run.
 * - A last line cut off mid-write (the writer's process died) is reported, not fatal.
 * - A line of a type we do not know (the official logs add some, such as `run_context`) is skipped
 *   with a warning, so the rest of the file still shows; a line that is not JSON is an error.
 * - A `resume` line says the next run continues the one before it: that run's iterations and result
 *   are replaced by the resumed run's (it re-runs the recorded turns), its calls are kept.
 */

import type { CallRecord, IterationRecord, MetadataRecord, ResultRecord, WindowRecord } from "./types.js";

export interface Trajectory {
  /** One run per metadata line (a session's file holds several). */
  runs: TrajectoryRun[];
  /** True when the last line was cut off mid-write. */
  truncated: boolean;
  /** Lines skipped, one sentence each (a type we do not know). */
  warnings: string[];
}

export interface TrajectoryRun {
  metadata: MetadataRecord;
  iterations: IterationRecord[];
  /** Missing when the run did not finish (crash, still running). */
  result: ResultRecord | undefined;
  /** Every model reply recorded for this run, resumed parts included, in the order they arrived. */
  calls: CallRecord[];
  /** Context windows read from backends. */
  windows: WindowRecord[];
  /** How many times the run was resumed. */
  resumes: number;
}

/** Checks one parsed line as a record of each type; throws the reader's own error when it is not. */
export interface RecordReaders {
  metadata(value: unknown, index: number): MetadataRecord;
  iteration(value: unknown, index: number): IterationRecord;
  result(value: unknown, index: number): ResultRecord;
  call(value: unknown, index: number): CallRecord;
  window(value: unknown, index: number): WindowRecord;
  /** Raised for a line that is not JSON. */
  lineError(index: number, what: string, cause?: unknown): Error;
}

export function splitRuns(text: string, readers: RecordReaders): Trajectory {
  const lines = text.split("\n");
  const lastFilled = lines.findLastIndex((line) => line.trim() !== "");
  const runs: TrajectoryRun[] = [];
  let truncated = false;
  let resuming = false;
  const warnings: string[] = [];
  const current = (): TrajectoryRun => {
    let run = runs.at(-1);
    if (run === undefined) {
      run = newRun(readers.metadata({ type: "metadata", started_at: "" }, -1));
      runs.push(run);
    }
    return run;
  };
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      if (index === lastFilled && !text.endsWith("\n")) {
        truncated = true;
        break;
      }
      throw readers.lineError(index, "is not valid JSON", error);
    }
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
    switch (type) {
      case "metadata": {
        const metadata = readers.metadata(value, index);
        const resumed = resuming ? runs.at(-1) : undefined;
        if (resumed === undefined) runs.push(newRun(metadata));
        else
          Object.assign(resumed, {
            metadata,
            iterations: [],
            result: undefined,
            resumes: resumed.resumes + 1,
          });
        resuming = false;
        break;
      }
      case "iteration":
        current().iterations.push(readers.iteration(value, index));
        break;
      case "result":
        current().result = readers.result(value, index);
        break;
      case "call":
        current().calls.push(readers.call(value, index));
        break;
      case "window":
        current().windows.push(readers.window(value, index));
        break;
      case "resume":
        resuming = true;
        break;
      default:
        warnings.push(
          `Line ${index + 1} was skipped: ${type === undefined ? "it has no type" : `unknown type ${JSON.stringify(type)}`}.`,
        );
    }
  }
  return { runs, truncated, warnings };
}

function newRun(metadata: MetadataRecord): TrajectoryRun {
  return { metadata, iterations: [], result: undefined, calls: [], windows: [], resumes: 0 };
}
