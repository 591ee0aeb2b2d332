/**
 * SIMULATED fan-out for the speed benches: every node (a root, or a child RLM at any depth) sends
 * 4 prompts with one batched call on its first turn, then submits "done"; the leaf model answers
 * each after `leafMs`. The shape of the tree is the benches', not the policy's.
 */

import type { FakePolicy } from "../fakes/types.js";
import { code, turnOf } from "./conversation.js";

export function fanOutPolicy(options: {
  /** `llm_query_batched` (a flat fan-out) or `rlm_query_batched` (child RLMs). */
  call: "llm_query_batched" | "rlm_query_batched";
  /** The model name the leaves are asked as. */
  leaf: string;
  leafMs: number;
}): FakePolicy {
  return (request) => {
    if (request.model === options.leaf) return { text: `${options.leaf} answer`, delayMs: options.leafMs };
    if (turnOf(request) === 1) {
      return {
        text: code(`r = ${options.call}([f"part {i}: " + context[:40] for i in range(4)])\nprint(len(r))`),
      };
    }
    return { text: 'FINAL("done")' };
  };
}
