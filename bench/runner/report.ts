/**
 * The per-task tables: one row per size, averaged over that size's questions, with the direct
 * baseline's columns beside the RLM's when it ran. Simulated runs say so in every title.
 */

import { formatSize } from "../tasks/index.js";
import { formatEstimateError } from "./batch-estimates.js";
import { formatNumber, formatSeconds, renderTable } from "./table.js";
import type { QuestionResult } from "./types.js";

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function stops(results: QuestionResult[]): string {
  const counts = new Map<string, number>();
  for (const result of results)
    counts.set(result.rlm.stopReason, (counts.get(result.rlm.stopReason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => (count > 1 ? `${reason} x${count}` : reason)).join(", ");
}

export function taskTables(results: QuestionResult[], simulated: boolean): string {
  const tasks = [...new Set(results.map((result) => result.task))];
  const withDirect = results.some((result) => result.direct !== undefined);
  const header = [
    "size",
    "chars",
    "n",
    "score",
    "root tok",
    "sub tok",
    "cost $",
    "wall s",
    "sub-calls",
    "batch est.",
    "depth",
    "stop",
  ];
  if (withDirect) header.push("direct score", "direct tok", "direct wall s", "direct saw");
  const label = simulated ? " [SIMULATED models: scores test the system, not a model]" : "";
  return tasks
    .map((task) => {
      const mine = results.filter((result) => result.task === task);
      const sizes = [...new Set(mine.map((result) => result.requestedChars))];
      const rows = sizes.map((size) => {
        const group = mine.filter((result) => result.requestedChars === size);
        const rlm = group.map((result) => result.rlm);
        const row = [
          size === 0 ? "tree" : formatSize(size),
          formatSize(mean(group.map((result) => result.chars))),
          String(group.length),
          mean(rlm.map((run) => run.score)).toFixed(3),
          formatNumber(mean(rlm.map((run) => run.rootTokens))),
          formatNumber(mean(rlm.map((run) => run.subTokens))),
          mean(rlm.map((run) => run.costUsd)).toFixed(4),
          formatSeconds(mean(rlm.map((run) => run.elapsedMs))),
          formatNumber(mean(rlm.map((run) => run.subCalls)), 1),
          formatEstimateError(rlm.map((run) => run.batches)),
          String(Math.max(...rlm.map((run) => run.depth))),
          stops(group),
        ];
        if (withDirect) {
          const direct = group.flatMap((result) => (result.direct ? [result.direct] : []));
          const errors = direct.filter((run) => run.error !== undefined).length;
          row.push(
            mean(direct.map((run) => run.score)).toFixed(3) + (errors > 0 ? ` (${errors} failed)` : ""),
            formatNumber(mean(direct.map((run) => run.promptTokens + run.completionTokens))),
            formatSeconds(mean(direct.map((run) => run.elapsedMs))),
            `${Math.round(100 * mean(direct.map((run) => run.contextChars / Math.max(1, mean(group.map((r) => r.chars))))))}%`,
          );
        }
        return row;
      });
      return renderTable(`Task ${task} (per question, mean)${label}`, header, rows);
    })
    .join("\n");
}

/** Results whose simulated score is not the expected 1 (simulations are exact). */
export function simulatedFailures(results: QuestionResult[]): QuestionResult[] {
  return results.filter((result) => result.rlm.score < 1);
}
