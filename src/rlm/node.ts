/**
 * One RLM of a run: its depth, its model, its sandbox and its conversation. The root of a
 * completion and each child that `rlm_query` starts are nodes, all made by the `NodeFactory`.
 * A node is never re-bound; a session's next query gets a new node on the same sandbox and
 * conversation. Three cells change while it runs, all on purpose: `calls.current` (the sub-calls
 * of the code block running now), its sandbox's `seat` (which node the sandbox serves), and the
 * counters of its call sites.
 */

import type { ChatMessage, LanguageModel } from "../models/types.js";
import type { Sandbox } from "../sandbox/types.js";
import type { BatchRecord, SubCallRecord } from "../trace/types.js";
import type { CallSites } from "./call-sites.js";
import type { NodeFactory } from "./node-factory.js";
import type { Run } from "./run.js";

export interface RlmNode {
  readonly run: Run;
  readonly depth: number;
  /** The model that writes this RLM's code (already wrapped by the run's pool). */
  readonly model: LanguageModel;
  /** Its context window in tokens. */
  readonly contextWindow: number;
  /** Characters one llm_query prompt may hold, from the sub-model's window (the same for the whole tree). */
  readonly subCallChars: number;
  /** Caps on one reply of this node's model and of its sub-calls (see `RLMOptions.maxReplyTokens`). */
  readonly replyTokens: { own: number; sub: number };
  readonly sandbox: Sandbox;
  readonly seat: SandboxSeat;
  /** Cancels this RLM's calls and code: the run's budget signal, plus for a child the parent's exec. */
  readonly signal: AbortSignal;
  /** The system prompt, then each query's turns (a session keeps it across queries). */
  readonly conversation: ChatMessage[];
  /**
   * Sub-calls made by the code block running now, and its batched calls as the preflight saw them
   * (preflight.ts); the turn swaps in fresh lists per block.
   */
  readonly calls: { current: SubCallRecord[]; batches: BatchRecord[] };
  /** Names its model calls in the run's record (replay, resume). */
  readonly sites: CallSites;
  /** Called after the sandbox had to restart (variables lost): a session sets `history` again. */
  readonly onRestart: ((sandbox: Sandbox) => Promise<void>) | undefined;
}

/**
 * Which node a sandbox's `llm_query` / `rlm_query` calls are served for. A sandbox can start before
 * its node exists (a warm spare), and a session's sandbox serves each query's node in turn.
 */
export interface SandboxSeat {
  node: RlmNode | undefined;
  /** Makes the children of the node in the seat (set by whoever hands the sandbox out). */
  nodes?: NodeFactory;
}

export interface SeatedSandbox {
  readonly sandbox: Sandbox;
  readonly seat: SandboxSeat;
}

/**
 * The reason a root's signal aborts when its sandbox, started beside the first model call, failed
 * to start or to load the context: the call in flight stops (no retries, nothing more paid) and
 * the run fails with the sandbox's own error.
 */
export class SandboxSetupFailed {
  constructor(readonly error: unknown) {}
}
