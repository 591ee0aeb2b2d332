/**
 * Reads a JSONL trajectory back (ours, or a log of the official Python `rlm`), validating every
 * line. A last line cut off mid-write (the writer's process died) is reported, not fatal; any other
 * bad line is an error naming its line number.
 */

import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { RlmError } from "../errors/index.js";
import { iterationSchema, metadataSchema, resultSchema } from "./schema.js";
import type { IterationRecord, MetadataRecord, ResultRecord } from "./types.js";

export interface Trajectory {
  /** One run per metadata line (a session's file holds several). */
  runs: TrajectoryRun[];
  /** True when the last line was cut off mid-write. */
  truncated: boolean;
}

export interface TrajectoryRun {
  metadata: MetadataRecord;
  iterations: IterationRecord[];
  /** Missing when the run did not finish (crash, still running). */
  result: ResultRecord | undefined;
}

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
  const lines = text.split("\n");
  const runs: TrajectoryRun[] = [];
  let truncated = false;
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    const isLast = lines.slice(index + 1).every((line) => line.trim() === "");
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      if (isLast && !text.endsWith("\n")) {
        truncated = true;
        break;
      }
      throw lineError(source, index, "is not valid JSON", error);
    }
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
    if (type === "metadata") {
      runs.push({
        metadata: parseLine(metadataSchema, value, source, index),
        iterations: [],
        result: undefined,
      });
      continue;
    }
    const run = runs.at(-1) ?? startImplicitRun(runs);
    if (type === "iteration") run.iterations.push(parseLine(iterationSchema, value, source, index));
    else if (type === "result") run.result = parseLine(resultSchema, value, source, index);
    else throw lineError(source, index, `has an unknown type ${JSON.stringify(type)}`);
  }
  return { runs, truncated };
}

/** Official logs may start with iterations when the metadata line was not written. */
function startImplicitRun(runs: TrajectoryRun[]): TrajectoryRun {
  const run: TrajectoryRun = {
    metadata: metadataSchema.parse({ type: "metadata", started_at: "" }),
    iterations: [],
    result: undefined,
  };
  runs.push(run);
  return run;
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
