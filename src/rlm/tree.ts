/**
 * State shared by every RLM of one recursion tree (the pool, the budget, the trace sink, the
 * caller's signal), and the state of one RLM in it (its depth, model and sandbox). A child RLM
 * gets the same `Tree` and a `TreeNode` of its own.
 */

import type { Budget, ResolvedLimits } from "../budget/index.js";
import type { LanguageModel, ModelPool } from "../models/types.js";
import type { Sandbox } from "../sandbox/types.js";
import type { RlmEvent, SubCallRecord, TraceSink } from "../trace/types.js";
import type { RLMOptions } from "./types.js";

export interface Tree {
  /** The root run's id; a child's run id is this plus its sub-call id. */
  runId: string;
  options: RLMOptions;
  limits: ResolvedLimits;
  pool: ModelPool;
  budget: Budget;
  sink: TraceSink;
  /** The caller's own signal (the budget's signal also fires on limits). */
  callerSignal: AbortSignal | undefined;
  /** Characters one llm_query prompt may hold, from the sub-model's window. */
  subCallChars: number;
  /** Spec (or model) that serves llm_query when the code names none. */
  subModel: string | LanguageModel;
  nextSubCallId: () => number;
  /** Context windows already read, by model spec (kept by the RLM across its completions). */
  windows: Map<string, number>;
  emit: (event: RlmEvent) => void;
  /** Hands over work that may finish after the run (closing a child's sandbox); the session awaits it on close. */
  defer: (work: Promise<void>) => void;
}

export interface TreeNode {
  depth: number;
  /** The model that writes this RLM's code (already wrapped by the pool). */
  model: LanguageModel;
  /** Its context window in tokens. */
  contextWindow: number;
  sandbox: Sandbox;
  /** Cancels this RLM's calls and code: the tree's budget signal, plus for a child the parent's exec. */
  signal: AbortSignal;
  /** Sub-calls made by the code block running now; the loop swaps in a fresh list per block. */
  calls: { current: SubCallRecord[] };
  /** Called after the sandbox had to restart (variables lost): a session sets `history` again. */
  onRestart?: () => Promise<void>;
  /** The sandbox's slot: a session re-binds it to each query's tree. */
  slot: { tree: Tree | undefined };
}

/** The model of depth-`depth` RLMs: `depthModels[depth]`, else the root model. */
export function modelForDepth(options: RLMOptions, depth: number): string | LanguageModel {
  return options.depthModels?.[depth] ?? options.model;
}

export function specOf(model: string | LanguageModel): string {
  return typeof model === "string" ? model : model.spec;
}
