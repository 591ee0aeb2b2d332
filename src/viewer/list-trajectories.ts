/**
 * `rlm view DIR`: the trajectories of a folder (`rlm serve --trace-dir`, or any folder of `.jsonl`
 * files), newest first, each with its question, how it ended, its wall time and cost. A file that
 * cannot be read is listed as unreadable with the reason, so one bad file does not hide the rest.
 * The same summaries go to the terminal and, as JSON, to the page (`/list.json`).
 */

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { readTrajectory } from "../trace/index.js";
import type { TrajectorySummary } from "./page/trajectory-summary.js";

export type { TrajectorySummary };

/** A file name the server may serve from the folder: no path separators, no hidden files. */
export const TRAJECTORY_FILE = /^[^/\\.][^/\\]*\.jsonl$/;

export async function listTrajectories(directory: string): Promise<TrajectorySummary[]> {
  const names = (await readdir(directory)).filter((name) => TRAJECTORY_FILE.test(name));
  const summaries = await Promise.all(names.map((name) => summarize(join(directory, name), name)));
  return summaries.sort((a, b) => b.started.localeCompare(a.started) || a.file.localeCompare(b.file));
}

async function summarize(path: string, file: string): Promise<TrajectorySummary> {
  const modified = (await stat(path)).mtime.toISOString();
  try {
    const { runs } = await readTrajectory(path);
    const results = runs.flatMap((run) => (run.result ? [run.result] : []));
    const last = runs.at(-1);
    const started = runs[0]?.metadata.started_at;
    return {
      file,
      question: runs[0]?.metadata.query ?? "",
      status: last?.result?.stop_reason ?? "unfinished",
      started: started && !Number.isNaN(Date.parse(started)) ? new Date(started).toISOString() : modified,
      ...(results.length > 0
        ? {
            elapsedMs: results.reduce((sum, result) => sum + result.elapsed_ms, 0),
            costUsd: results.reduce(
              (sum, result) =>
                sum + Object.values(result.usage).reduce((total, usage) => total + usage.costUsd, 0),
              0,
            ),
          }
        : {}),
    };
  } catch (error) {
    return {
      file,
      question: "",
      status: "unreadable",
      started: modified,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The summaries as terminal lines: when, status, time, cost, file, question (cut to a line). */
export function formatTrajectoryList(summaries: TrajectorySummary[]): string[] {
  if (summaries.length === 0) return ["(no .jsonl trajectories in this folder)"];
  return summaries.map((summary) => {
    const time = summary.elapsedMs === undefined ? "-" : `${(summary.elapsedMs / 1000).toFixed(1)} s`;
    const cost = summary.costUsd === undefined ? "-" : `$${summary.costUsd.toFixed(4)}`;
    const question = (summary.error ?? summary.question).replace(/\s+/g, " ");
    const shown = question.length > 60 ? `${question.slice(0, 59)}…` : question;
    return [
      summary.started.slice(0, 19).replace("T", " "),
      summary.status.padEnd(14),
      time.padStart(9),
      cost.padStart(9),
      summary.file,
      shown,
    ].join("  ");
  });
}
