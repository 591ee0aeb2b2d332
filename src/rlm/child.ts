/**
 * A child RLM's answer to an `rlm_query` prompt: the prompt is loaded as the child's `context`
 * (by `NodeFactory.runChild`, while the child's model reads its first message),
 * and the same loop runs on it with the depth's model, sharing the run's pool and budget. The
 * child writes no trajectory lines of its own: its iterations go back to the parent, nested in
 * the sub-call record. The `NodeFactory` makes the child's node and closes its sandbox.
 */

import { describeStop } from "../budget/index.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import { describeContextOnHost } from "./context-description.js";
import { childQuery, openQuery } from "./conversation.js";
import { runLoop } from "./loop.js";
import type { RlmNode } from "./node.js";

export interface ChildOutcome {
  answer: string;
  stopReason: StopReason;
  /** The child's iterations, nested in the parent's sub-call record. */
  records: IterationRecord[];
  /** Set when the child could not produce an answer (its model failed, the tree was stopped). */
  error: string | undefined;
}

export async function runChildLoop(node: RlmNode, runId: string, prompt: string): Promise<ChildOutcome> {
  const { run } = node;
  // The prompt was measured here: its sandbox may still be starting (see NodeFactory.startDeferred).
  const description = describeContextOnHost(prompt, "context");
  if (description === undefined) throw new Error("a child's prompt is a str, which is always described");
  const query = childQuery(prompt);
  const queryStart = openQuery(node, query, description, false);
  run.emit({ type: "run-start", runId, depth: node.depth, query });
  const started = performance.now();
  const outcome = await runLoop(node, queryStart);
  run.emit({
    type: "run-end",
    depth: node.depth,
    stopReason: outcome.stopReason,
    answer: outcome.answer,
    elapsedMs: performance.now() - started,
  });
  const stoppedEarly = outcome.stopReason !== "answer" && outcome.answer === "";
  const error =
    outcome.error ??
    (stoppedEarly
      ? `The sub-RLM stopped without an answer: ${describeStop(outcome.stopReason, run.limits)}.`
      : undefined);
  return { answer: outcome.answer, stopReason: outcome.stopReason, records: outcome.records, error };
}
