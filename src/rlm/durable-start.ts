/**
 * How a completion starts from a recorded run: a resume (`completion(..., { resume: path })`)
 * checks that the trajectory holds one run of the same question over the same context, then
 * repairs the file's end so the resumed run can append to it. A replay (replay.ts) reads the
 * trajectory itself and needs no checks of the question (it asks the recorded one).
 */

import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from "node:fs";
import { RlmError } from "../errors/index.js";
import { contextDigest } from "../replay/index.js";
import type { ContextInput } from "../sandbox/types.js";
import { readTrajectory, type TrajectoryRun } from "../trace/index.js";
import type { DurableStart } from "./run.js";

/** The run `path` holds, checked against the question and context a resume was given. */
export async function resumeStart(
  path: string,
  query: string,
  context: ContextInput | undefined,
): Promise<DurableStart> {
  const recorded = onlyRun(await readTrajectoryOf(path), path);
  const hint = "Resume with the same question and inputs as the run that wrote it.";
  if (recorded.metadata.query !== query) {
    throw new RlmError(
      "resume-mismatch",
      `${path} answers another question: ${JSON.stringify(clip(recorded.metadata.query))}.`,
      {
        hint,
      },
    );
  }
  checkContext(recorded, context, path, hint);
  repairTail(path);
  return { mode: "resume", recorded };
}

/** The one run of a trajectory (a session's file holds several: each depends on the ones before). */
export function onlyRun(runs: TrajectoryRun[], path: string): TrajectoryRun {
  const [run] = runs;
  if (run === undefined || runs.length > 1 || run.metadata.run_id === "") {
    throw new RlmError(
      "resume-mismatch",
      runs.length > 1
        ? `${path} holds ${runs.length} runs (a session); only a single completion can be resumed or replayed.`
        : `${path} holds no run of this project (no metadata line).`,
      { hint: "Give the trajectory of one `rlm ask` or `completion()` run." },
    );
  }
  return run;
}

/** Refuses a context other than the recorded one: the recorded code would run over other data. */
export function checkContext(
  recorded: TrajectoryRun,
  context: ContextInput | undefined,
  path: string,
  hint: string,
): void {
  const expected = recorded.metadata.context_sha256;
  if (expected === undefined) {
    throw new RlmError(
      "resume-mismatch",
      `${path} does not record its context's hash, so the inputs cannot be checked.`,
      {
        hint: "Only trajectories written with durable runs (this version on) can be resumed or replayed.",
      },
    );
  }
  if (context === undefined || contextDigest(context) !== expected) {
    const inputs = recorded.metadata.inputs;
    throw new RlmError(
      "resume-mismatch",
      `The inputs differ from the ones ${path} was recorded over (sha256 ${expected.slice(0, 12)}...).`,
      {
        hint: inputs !== undefined ? `${hint} It read: ${inputs.join(" ")}` : hint,
      },
    );
  }
}

async function readTrajectoryOf(path: string) {
  const trajectory = await readTrajectory(path);
  return trajectory.runs;
}

/**
 * A process killed mid-write leaves a last line without its newline: cut it, so the lines the
 * resumed run appends start on a line of their own (the torn line's reply is not recorded, so
 * that call is simply made again).
 */
function repairTail(path: string): void {
  const descriptor = openSync(path, "r+");
  try {
    const size = fstatSync(descriptor).size;
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(descriptor, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) ftruncateSync(descriptor, end);
  } finally {
    closeSync(descriptor);
  }
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
