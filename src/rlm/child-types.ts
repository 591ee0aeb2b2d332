/**
 * The contract between the query handler and child RLMs, in its own file so the handler does not
 * import the loop (which imports the handler).
 */

import type { LanguageModel } from "../models/types.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import type { Tree } from "./tree.js";

export interface ChildOutcome {
  answer: string;
  stopReason: StopReason;
  /** The child's iterations, nested in the parent's sub-call record. */
  records: IterationRecord[];
  /** Set when the child could not produce an answer (its model failed, the tree was stopped). */
  error: string | undefined;
}

export type StartChild = (
  tree: Tree,
  runId: string,
  depth: number,
  prompt: string,
  model: string | LanguageModel,
  signal: AbortSignal,
) => Promise<ChildOutcome>;
