/**
 * Options and result of `new RLM(options).completion(context, query)`. Types only; the loop lives
 * beside this file. Options are grouped (models, limits, sandbox, trace, hooks) rather than flat.
 */

import type { Limits } from "../budget/index.js";
import type { RlmError } from "../errors/index.js";
import type { ModelRef } from "../models/model-ref.js";
import type { ModelPool, ModelPoolOptions } from "../models/pool/index.js";
import type { ChatOptions, UsageTotals } from "../models/types.js";
import type { ContextInput, SandboxOptions, ToolInput } from "../sandbox/types.js";
import type { RlmEvent, StopReason } from "../trace/types.js";
import type { SandboxPool } from "./sandbox-pool.js";

export interface RLMOptions {
  /**
   * Root model: a spec string (`ollama:qwen3:4b`), a LanguageModel, or a Vercel AI SDK language
   * model (V4 or V3, e.g. `createOpenAI({ apiKey })("gpt-4o-mini")`), named `ai-sdk:${provider}:${modelId}`.
   * `fromAiSdk(model, { contextWindow })` gives an AI SDK model its context window.
   */
  model: ModelRef;
  /** Model for llm_query (any form `model` takes); defaults to `model`. */
  subModel?: ModelRef;
  /** Per-depth models for rlm_query children: index 1 is the model of depth-1 children, and so on. */
  depthModels?: ModelRef[];
  /**
   * More models the code may name in `llm_query(..., model=...)` / `rlm_query(..., model=...)`.
   * Only configured models can be named (root, `subModel`, `depthModels`, and these): the code can
   * be steered by the documents it reads, so a spec it makes up is refused, never created.
   */
  allowedSubModels?: ModelRef[];
  /** 1: llm_query is a plain call and rlm_query falls back to it; 2+: rlm_query spawns child RLMs. Default 1. */
  maxDepth?: number;
  /** Sub-calls in flight at once per backend. Default 16. */
  concurrency?: number;
  limits?: Limits;
  sandbox?: SandboxOptions;
  pool?: Omit<ModelPoolOptions, "concurrency">;
  /**
   * Makes the model pool of each completion or session (called with `pool` and `concurrency`;
   * default `createModelPool`). The pool is closed when the completion or session ends. A server
   * passes one that hands out views of a single shared pool, so `concurrency` holds across
   * requests while each run keeps its own usage and budget.
   */
  createPool?: (options: ModelPoolOptions) => ModelPool;
  /** Path of the JSONL trajectory, written incrementally. */
  trace?: string;
  onEvent?: (event: RlmEvent) => void;
  /**
   * What the model's Python gets besides the REPL's names: host functions (`{ description, handler }`
   * or a plain function) and plain JSON values (a dict, a string constant), by name. A name the REPL
   * uses (`llm_query`, `context`..., `history`, `context_N`, `history_N`) or that is not a Python
   * identifier is refused when the RLM is built, all of them in one error.
   */
  tools?: Record<string, ToolInput>;
  /** Extra text appended to the system prompt. */
  instructions?: string;
  /**
   * Characters of each code block's stdout / stderr shown back to the root model (head and tail
   * kept). Default: from the root model's context window, between 1 000 and 20 000.
   */
  maxObservationChars?: number;
  /** Options for the calls of the models that write code (root and child RLMs): temperature, maxTokens, grammar... */
  rootOptions?: Omit<ChatOptions, "signal">;
  /** Options for `llm_query` sub-calls. */
  subOptions?: Omit<ChatOptions, "signal">;
  /**
   * Caps on one reply, in tokens: `root` for the models that write code (root and child RLMs),
   * `sub` for `llm_query`. Default: a quarter of the model's context window, between 256 and 8,192.
   * A reply that hits the cap is cut and the model is told. `rootOptions.maxTokens` /
   * `subOptions.maxTokens` win over these.
   */
  maxReplyTokens?: { root?: number; sub?: number };
  /**
   * Keep one sandbox started ahead of the next completion (see `RLM.warm()`), so a completion does
   * not wait for Python to start. Call `rlm.close()` when done. Default false.
   */
  keepWarm?: boolean;
  /**
   * Sandboxes started ahead for child RLMs (`rlm_query`), each used by one child only and then
   * closed. A number: this RLM's own pool of that size, made at the first child and closed when no
   * completion runs (0: every child starts its own sandbox). A `SandboxPool`
   * (`RLM.createSandboxPool`): a pool shared by several RLMs, whose roots take from it too (what
   * `rlm serve` does across requests); made with the same `sandbox` and `tools`, closed by its
   * owner. Default 0 (an own pool made at the first child only adds starts when the machine is
   * busy; a pool filled ahead is what saves the wait).
   */
  sandboxPool?: number | SandboxPool;
  /** Fraction of the root model's window at which older turns are summarized. Default 0.7. */
  compactAt?: number;
  /**
   * Write the context itself into the trajectory, so `rlm replay` needs no inputs (a self-contained
   * cassette). Up to 16 MB of JSON; a larger context is not written (a warning says so).
   */
  recordContext?: boolean;
}

export interface CompletionOptions {
  signal?: AbortSignal;
  /**
   * Continue the run recorded in this trajectory (killed, or stopped by a limit) instead of starting
   * over: the same query and context (their hash is checked; raised limits may be given). Recorded
   * model replies are answered from the file, never paid twice; the recorded code runs again to
   * rebuild the REPL; then the run goes on live, appending to the same file.
   */
  resume?: string;
  /** What the context was read from (paths, `-` for stdin), written to the trajectory for `rlm replay`. */
  inputs?: string[];
}

export interface CompletionResult {
  answer: string;
  stopReason: StopReason;
  /** Per model spec, children included. */
  usage: Record<string, UsageTotals>;
  iterations: number;
  subCalls: number;
  /** Deepest recursion level reached (0: root only). */
  depth: number;
  elapsedMs: number;
  tracePath: string | undefined;
  /**
   * Set when stopReason is "error" (what failed and what to do: `completion()` then rejects with a
   * `RunError` holding this result), or when a limit stopped the run and the last call for its
   * best answer failed.
   */
  error?: string;
  /**
   * The error behind `error`, typed: its catalogue code (`backend-unreachable`, `model-not-found`,
   * `sandbox-...`; `run-failed` for an error that was not an RlmError), hint and structured fields
   * (a model call's `status` and `url`, a budget's limit). The CLI picks its exit code and the
   * server its status from it. Always set when stopReason is "error".
   */
  failure?: RlmError;
}

export type { ContextInput };
