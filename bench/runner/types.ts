/**
 * The saved benchmark report (`rlm-bench/1`): every question's RLM result with its trajectory and,
 * with `--baseline direct`, the plain call beside it. Simulated runs say so in the report itself.
 */

import type { UsageTotals } from "../../src/models/types.js";
import type { UserRuntimeName } from "../../src/sandbox/runtimes.js";
import type { StopReason, TrajectoryLine } from "../../src/trace/types.js";
import type { Expected } from "../tasks/types.js";
import type { BatchAccuracy } from "./batch-estimates.js";

export const BENCH_FORMAT = "rlm-bench/1";

export const SIMULATION_NOTE =
  "SIMULATED models: scripted policies play the root and sub roles; scores test the system (loop, sandbox, sub-calls, scoring), never a model.";

export interface RlmRun {
  answer: string;
  score: number;
  stopReason: StopReason;
  iterations: number;
  subCalls: number;
  depth: number;
  elapsedMs: number;
  rootTokens: number;
  subTokens: number;
  costUsd: number;
  usage: Record<string, UsageTotals>;
  /** The fan-out preflight's token estimates of the batches sent, beside what they took. */
  batches?: BatchAccuracy;
  error?: string;
  /** The JSONL trajectory, long prompts shortened (head and tail kept). */
  trajectory: TrajectoryLine[];
}

export interface DirectRun {
  answer: string;
  score: number;
  elapsedMs: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Characters of context the model was given (the rest did not fit its window). */
  contextChars: number;
  truncated: boolean;
  error?: string;
}

export interface QuestionResult {
  task: string;
  requestedChars: number;
  chars: number;
  seed: number;
  questionId: string;
  query: string;
  expected: Expected;
  rlm: RlmRun;
  direct?: DirectRun;
}

export interface BenchReport {
  format: typeof BENCH_FORMAT;
  simulated: boolean;
  note?: string;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryGb: number };
  /** The runner settings a reader needs to reproduce the run (derived, so the two cannot drift). */
  settings: Pick<RunnerSettings, ReportedSetting> & { directModel?: string };
  results: QuestionResult[];
}

type ReportedSetting =
  | "model"
  | "subModel"
  | "tasks"
  | "sizes"
  | "seed"
  | "samples"
  | "maxDepth"
  | "concurrency"
  | "maxIterations"
  | "runtime";

export interface RunnerSettings {
  simulated: boolean;
  model: string;
  subModel: string;
  /** Set when `--baseline direct`. */
  directModel: string | undefined;
  tasks: string[];
  sizes: number[];
  seed: number;
  samples: number;
  maxDepth: number;
  concurrency: number;
  maxIterations: number;
  runtime: UserRuntimeName;
  directory: string | undefined;
  questions: number | undefined;
  prices: Record<string, { inputPerMillion: number; outputPerMillion: number }> | undefined;
  /** Context window (tokens) to assume for the direct baseline; default from the backend. */
  directWindow: number | undefined;
  out: string;
  traceDirectory: string;
  timeoutMs: number | undefined;
}
