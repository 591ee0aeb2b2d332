/**
 * Reads a JSONL trajectory back (ours, or a log of the official Python `rlm`), validating every
 * line with the zod schemas; `split-runs.ts` decides how lines make runs. A last line cut off
 * mid-write (the writer's process died) is reported, not fatal; any other bad line is an error
 * naming its line number.
 */

import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { RlmError } from "../errors/index.js";
import { callSchema, iterationSchema, metadataSchema, resultSchema, windowSchema } from "./schema.js";
import { splitRuns, type Trajectory } from "./split-runs.js";

export type { Trajectory, TrajectoryRun } from "./split-runs.js";

export async function readTrajectory(path: string): Promise<Trajectory> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new RlmError("trace-not-found", `Cannot read the trajectory file ${path}.`, {
      hint: "Check the path (the CLI prints it at the end of a run).",
      cause: error,
    });
  }
  return parseTrajectory(text, path);
}

export function parseTrajectory(text: string, source = "trajectory"): Trajectory {
  return splitRuns(text, {
    metadata: (value, index) => parseLine(metadataSchema, value, source, index),
    iteration: (value, index) => parseLine(iterationSchema, value, source, index),
    result: (value, index) => parseLine(resultSchema, value, source, index),
    call: (value, index) => parseLine(callSchema, value, source, index),
    window: (value, index) => parseLine(windowSchema, value, source, index),
    lineError: (index, what, cause) => lineError(source, index, what, cause),
  });
}

function parseLine<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  source: string,
  index: number,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join(".") || "(line)"}: ${issue.message}` : parsed.error.message;
  throw lineError(source, index, `does not match the trajectory format (${where})`);
}

function lineError(source: string, index: number, what: string, cause?: unknown): RlmError {
  return new RlmError("trace-invalid", `Line ${index + 1} of ${source} ${what}.`, {
    hint: "The file may come from another program or version; check its first line.",
    cause,
  });
}
