/**
 * Trace events and the persisted trajectory format. One set of types used by the engine (writer),
 * the CLI progress display, the server and the viewer (readers). The trajectory format is versioned:
 * `rlm-trajectory/1`. Field names follow the official Python `rlm` logs where they overlap
 * (`type: "metadata" | "iteration"`, `code_blocks[].code`, `code_blocks[].result.stdout`, `stderr`,
 * `locals`, `execution_time`, `rlm_calls`), so tools for one read the other.
 */

import type { UsageTotals } from "../models/types.js";

export const TRAJECTORY_FORMAT = "rlm-trajectory/1";

export type StopReason =
  | "answer"
  | "max-iterations"
  | "max-tokens"
  | "max-cost"
  | "timeout"
  | "max-sub-calls"
  | "max-errors"
  | "aborted"
  | "error";

/** One sub-call made from the REPL (llm_query / rlm_query), with the child trajectory for rlm_query. */
export interface SubCallRecord {
  kind: "llm" | "rlm";
  model: string;
  prompt: string;
  response: string;
  error?: string;
  execution_time: number;
  usage?: { promptTokens: number; completionTokens: number };
  /** For kind "rlm": the child's iterations. */
  children?: IterationRecord[];
}

/**
 * The preflight's estimate of one batched call (`llm_query_batched` / `rlm_query_batched`), made
 * before any of its prompts is sent; Python's `dry_run=True` returns this same dict. `null`: no
 * such limit, or (cost) no known price. For `kind: "rlm"` with child RLMs, tokens, cost and time
 * cover only their prompts: the children's own work cannot be known in advance.
 */
export interface BatchEstimate {
  kind: "llm" | "rlm";
  model: string;
  prompts: number;
  prompt_chars: number;
  /** The ratio used: from this run's replies of the model when `calibrated`, else the default. */
  chars_per_token: number;
  calibrated: boolean;
  input_tokens: number;
  /** Expected reply tokens (this run's mean reply of the model, else a default, under the cap). */
  output_tokens: number;
  tokens: number;
  /** If every reply ran to the cap. */
  max_output_tokens: number;
  cost_usd: number | null;
  /** Where the price came from (`configured`, `default`, `local`, `unknown`). */
  price: string;
  concurrency: number;
  seconds: number;
  /** What is left of each limit of the run (null: no limit). */
  left: { sub_calls: number | null; tokens: number | null; cost_usd: number | null; seconds: number | null };
  fits: boolean;
  /** The limits it does not fit: "sub_calls", "tokens", "cost_usd", "seconds". */
  over: string[];
  /** How many prompts of this average size would fit (null: no limit bounds it). */
  max_prompts: number | null;
}

/** One batched call: the estimate, then either why it was refused or what it actually took. */
export interface BatchRecord {
  estimate: BatchEstimate;
  dry_run?: boolean;
  refused?: string;
  /** The usage of the batch's model over the batch's span (a concurrent call of that model counts too). */
  actual?: {
    input_tokens: number;
    output_tokens: number;
    tokens: number;
    cost_usd: number;
    seconds: number;
    failed: number;
  };
}

export interface CodeBlockRecord {
  code: string;
  result: {
    stdout: string;
    stderr: string;
    error?: string;
    /** name -> "type, size" for user variables after the block. */
    locals: Record<string, string>;
    /** Seconds, as the official logs. */
    execution_time: number;
    rlm_calls: SubCallRecord[];
    /** The block's batched calls, as the preflight saw them (absent when it made none). */
    batches?: BatchRecord[];
    restarted?: boolean;
  };
}

export interface MetadataRecord {
  type: "metadata";
  format: typeof TRAJECTORY_FORMAT;
  run_id: string;
  started_at: string;
  query: string;
  root_model: string;
  sub_model: string;
  max_depth: number;
  depth: number;
  /** `lazy`: files read from disk as Python went (`total_chars` then counts bytes). */
  context: { type: string; total_chars: number; parts: number; lazy?: boolean };
  limits: Record<string, number | undefined>;
  /** The root model's system prompt (the first message of its conversation), as sent. */
  system_prompt?: string;
  /** sha256 (hex) of the context as loaded: a resume or replay refuses another context. */
  context_sha256?: string;
  /** What the context was read from (paths, `-` for stdin), when the CLI or server read it. */
  inputs?: string[];
  /** The context itself, when recorded for a self-contained replay (`recordContext`). */
  context_value?: unknown;
  /** Seed of Python's `random` for this run: a replay or resume seeds it the same. */
  seed?: number;
  /** What a replay needs, beside the models above, to run the same code the same way. */
  setup?: {
    depth_models?: string[];
    allowed_models?: string[];
    compact_at?: number;
    sandbox?: string;
  };
}

/**
 * One model call's reply, written the moment it arrives, so a run killed at any point keeps every
 * reply it paid for. Replay and resume answer calls from these instead of sending them again.
 */
export interface CallRecord {
  type: "call";
  /**
   * Where in the run the call was made, the same in every run of the same code: `3` is the root
   * model's turn 3, `s12` the root's 12th sub-call, `s12:2` turn 2 of the child RLM that sub-call
   * started, `s12:s4` that child's 4th sub-call.
   */
  site: string;
  model: string;
  /** For sub-calls: the prompt, so a replay can tell when the code asked something else. */
  prompt?: string;
  text: string;
  reasoning?: string;
  usage: { promptTokens: number; completionTokens: number };
  finish_reason: string;
  elapsed_ms: number;
}

/** A model's context window as read from its backend (replay reads it from here, not the server). */
export interface WindowRecord {
  type: "window";
  model: string;
  context_window: number;
}

/** Written when a run is resumed into the same file: the run after it replaces the one before it, keeping its calls. */
export interface ResumeRecord {
  type: "resume";
  resumed_at: string;
  /** Recorded calls available to the resumed run. */
  calls: number;
}

export interface IterationRecord {
  type: "iteration";
  iteration: number;
  /** When the iteration ended (ISO 8601), as the official logs. */
  timestamp?: string;
  depth: number;
  /** Messages added to the root conversation since the previous iteration. */
  prompt: { role: string; content: string }[];
  response: string;
  reasoning?: string;
  code_blocks: CodeBlockRecord[];
  final_answer?: string;
  iteration_time: number;
  usage: { promptTokens: number; completionTokens: number };
  /** Set on the last call made after a limit stopped the loop: which limit. */
  stop_reason?: StopReason;
  /** Set when older turns were summarized before this iteration's call: how many messages were replaced. */
  compacted_messages?: number;
}

export interface ResultRecord {
  type: "result";
  answer: string;
  stop_reason: StopReason;
  iterations: number;
  sub_calls: number;
  depth_reached: number;
  elapsed_ms: number;
  usage: Record<string, UsageTotals>;
  error?: string;
}

export type TrajectoryLine =
  | MetadataRecord
  | IterationRecord
  | ResultRecord
  | CallRecord
  | WindowRecord
  | ResumeRecord;

/** Progress events (`onEvent`), named noun-verb. `depth` 0 is the root. */
export type RlmEvent =
  | { type: "run-start"; runId: string; depth: number; query: string }
  | { type: "iteration-start"; depth: number; iteration: number }
  | {
      type: "model-reply";
      depth: number;
      iteration: number;
      text: string;
      usage: { promptTokens: number; completionTokens: number };
    }
  | { type: "code-start"; depth: number; iteration: number; index: number; code: string }
  | {
      type: "code-end";
      depth: number;
      iteration: number;
      index: number;
      stdout: string;
      stderr: string;
      error?: string;
      elapsedMs: number;
    }
  | { type: "subcall-start"; depth: number; id: number; kind: "llm" | "rlm"; model: string }
  | {
      type: "subcall-end";
      depth: number;
      id: number;
      kind: "llm" | "rlm";
      model: string;
      elapsedMs: number;
      error?: string;
    }
  | { type: "warning"; depth: number; message: string }
  /** What the run is doing before its first turn (starting the sandbox, loading the context). */
  | { type: "run-step"; depth: number; step: string }
  /** A message the loop added for the model after its turn (no code block, an answer too early...). */
  | { type: "model-note"; depth: number; iteration: number; message: string }
  | {
      type: "iteration-end";
      depth: number;
      iteration: number;
      usage: Record<string, UsageTotals>;
      elapsedMs: number;
    }
  | { type: "run-end"; depth: number; stopReason: StopReason; answer: string; elapsedMs: number };

/** Where events go: the JSONL writer, the CLI display, the server. */
export interface TraceSink {
  event(event: RlmEvent): void;
  line(line: TrajectoryLine): void;
  close(): Promise<void>;
}
