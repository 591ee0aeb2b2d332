/**
 * A child RLM's answer to an `rlm_query` prompt: the prompt is loaded as the child's `context`,
 * and the same loop runs on it with the depth's model, sharing the run's pool and budget. The
 * child writes no trajectory lines of its own: its iterations go back to the parent, nested in
 * the sub-call record. The `NodeFactory` makes the child's node and closes its sandbox.
 */

import { describeStop } from "../budget/index.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import { describeContext } from "./context-description.js";
import { childQuery, openQuery } from "./conversation.js";
import { runLoop } from "./loop.js";
import type { RlmNode } from "./node.js";
import { seedRandom } from "./seed-random.js";

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
  const load = await node.sandbox.load(prompt, { signal: node.signal });
  await seedRandom(node);
  const query = childQuery(prompt);
  const queryStart = openQuery(node, query, describeContext(prompt, load, "context"), false);
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
