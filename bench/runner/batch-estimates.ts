/**
 * How far the fan-out preflight's estimates were from what the batches took (src/rlm/preflight.ts):
 * the root's batches that went out, read from the trajectory (dry runs and refused batches have no
 * actual usage and are left out). The report shows the signed error of the token estimate.
 */

import type { BatchRecord, TrajectoryLine } from "../../src/trace/types.js";

export interface BatchAccuracy {
  batches: number;
  estimatedTokens: number;
  actualTokens: number;
}

/** The sent batches' estimated and actual tokens, summed; undefined when the run sent none. */
export function batchAccuracy(trajectory: TrajectoryLine[]): BatchAccuracy | undefined {
  const sent: BatchRecord[] = [];
  for (const line of trajectory) {
    if (line.type !== "iteration") continue;
    for (const block of line.code_blocks) {
      for (const batch of block.result.batches ?? []) if (batch.actual !== undefined) sent.push(batch);
    }
  }
  if (sent.length === 0) return undefined;
  return {
    batches: sent.length,
    estimatedTokens: sent.reduce((sum, batch) => sum + batch.estimate.tokens, 0),
    actualTokens: sent.reduce((sum, batch) => sum + (batch.actual?.tokens ?? 0), 0),
  };
}

/** The estimate's signed error over runs (+25%: it said a quarter more than was spent); "-" without batches. */
export function formatEstimateError(runs: (BatchAccuracy | undefined)[]): string {
  const measured = runs.filter((run): run is BatchAccuracy => run !== undefined);
  const estimated = measured.reduce((sum, run) => sum + run.estimatedTokens, 0);
  const actual = measured.reduce((sum, run) => sum + run.actualTokens, 0);
  if (measured.length === 0 || actual === 0) return "-";
  const error = Math.round((100 * (estimated - actual)) / actual);
  return `${error >= 0 ? "+" : ""}${error}%`;
}
