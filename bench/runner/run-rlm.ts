/**
 * One benchmark question answered by an RLM, with its trajectory written to a JSONL file and read
 * back into the report. Tokens are split into root and sub: by model spec when the two differ,
 * else from the trajectory (root turns vs. sub-call records).
 */

import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { RLM, RunError } from "../../src/rlm/index.js";
import type { ContextInput } from "../../src/sandbox/types.js";
import type { IterationRecord, TrajectoryLine } from "../../src/trace/types.js";
import { score } from "../scoring/index.js";
import type { BenchQuestion } from "../tasks/types.js";
import { batchAccuracy } from "./batch-estimates.js";
import { readTrajectory } from "./trajectory.js";
import type { RlmRun, RunnerSettings } from "./types.js";

function rootTokensFromTrajectory(lines: TrajectoryLine[]): number {
  return lines
    .filter((line): line is IterationRecord => line.type === "iteration" && line.depth === 0)
    .reduce((sum, line) => sum + line.usage.promptTokens + line.usage.completionTokens, 0);
}

/** One RLM for a whole run: sandboxes kept warm between questions, one trajectory file per question. */
export function createBenchRlm(settings: RunnerSettings): RLM {
  mkdirSync(settings.traceDirectory, { recursive: true });
  return new RLM({
    model: settings.model,
    subModel: settings.subModel,
    maxDepth: settings.maxDepth,
    concurrency: settings.concurrency,
    limits: {
      maxIterations: settings.maxIterations,
      ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    },
    sandbox: { runtime: settings.runtime },
    ...(settings.prices === undefined ? {} : { pool: { prices: settings.prices } }),
    // A folder: the engine writes <run id>.jsonl there; it is renamed after the question below.
    trace: `${settings.traceDirectory}/`,
    keepWarm: true,
  });
}

export async function runRlm(
  rlm: RLM,
  settings: RunnerSettings,
  context: ContextInput,
  question: BenchQuestion,
  traceName: string,
): Promise<RlmRun> {
  const started = performance.now();
  // A failed run is a result here (scored 0, its error reported), not the end of the bench.
  const result = await rlm.completion(context, question.query).catch((error: unknown) => {
    if (error instanceof RunError) return error.result;
    throw error;
  });
  // Wall time as the caller sees it (the engine's own figure starts a little later).
  const elapsedMs = performance.now() - started;
  let tracePath = result.tracePath;
  if (tracePath !== undefined) {
    const named = join(settings.traceDirectory, `${traceName}.jsonl`);
    renameSync(tracePath, named);
    tracePath = named;
  }
  const trajectory = readTrajectory(tracePath);
  const batches = batchAccuracy(trajectory);
  const totals = Object.values(result.usage);
  const allTokens = totals.reduce((sum, usage) => sum + usage.promptTokens + usage.completionTokens, 0);
  const rootUsage = result.usage[settings.model];
  const rootTokens =
    settings.model !== settings.subModel && rootUsage !== undefined
      ? rootUsage.promptTokens + rootUsage.completionTokens
      : rootTokensFromTrajectory(trajectory);
  return {
    answer: result.answer,
    score: score(question.expected, result.answer),
    stopReason: result.stopReason,
    iterations: result.iterations,
    subCalls: result.subCalls,
    depth: result.depth,
    elapsedMs,
    rootTokens,
    subTokens: Math.max(0, allTokens - rootTokens),
    costUsd: totals.reduce((sum, usage) => sum + usage.costUsd, 0),
    usage: result.usage,
    ...(batches === undefined ? {} : { batches }),
    ...(result.error === undefined ? {} : { error: result.error }),
    trajectory,
  };
}
