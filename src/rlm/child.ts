/**
 * Child RLMs for `rlm_query`: a fresh sandbox whose `context` is the prompt, the depth's model,
 * and the same loop, sharing the tree's pool and budget. The child writes no trajectory lines of
 * its own: its iterations go back to the parent, nested in the sub-call record.
 */

import { describeStop } from "../budget/index.js";
import type { ChatMessage } from "../models/types.js";
import type { ChildOutcome, StartChild } from "./child-types.js";
import { describeContext } from "./context-description.js";
import { runLoop } from "./loop.js";
import { openNode } from "./node.js";
import { firstMessage, systemPrompt } from "./prompts.js";

/** A prompt this short is also the child's query; a longer one is summarized by its start. */
const QUERY_CHARS = 2_000;

export const startChild: StartChild = async (
  tree,
  runId,
  depth,
  prompt,
  model,
  signal,
): Promise<ChildOutcome> => {
  tree.budget.enterDepth(depth);
  const node = await openNode(tree, depth, model, signal, startChild);
  try {
    const load = await node.sandbox.load(prompt, { signal });
    const query =
      prompt.length <= QUERY_CHARS
        ? prompt
        : `Do what the text in \`context\` asks (it starts: ${JSON.stringify(prompt.slice(0, 300))}).`;
    const conversation: ChatMessage[] = [
      {
        role: "system",
        content: systemPrompt({
          subCallChars: tree.subCallChars,
          recursive: depth + 1 < (tree.options.maxDepth ?? 1),
          tools: tree.options.tools ?? {},
          instructions: tree.options.instructions,
          session: false,
        }),
      },
      {
        role: "user",
        content: firstMessage(
          query,
          describeContext(prompt, load, "context"),
          tree.subCallChars,
          tree.limits.maxIterations,
        ),
      },
    ];
    tree.emit({ type: "run-start", runId, depth, query });
    const started = performance.now();
    const outcome = await runLoop(tree, node, conversation, 1);
    tree.emit({
      type: "run-end",
      depth,
      stopReason: outcome.stopReason,
      answer: outcome.answer,
      elapsedMs: performance.now() - started,
    });
    const stoppedEarly = outcome.stopReason !== "answer" && outcome.answer === "";
    const error =
      outcome.error ??
      (stoppedEarly
        ? `The sub-RLM stopped without an answer: ${describeStop(outcome.stopReason, tree.limits)}.`
        : undefined);
    return { answer: outcome.answer, stopReason: outcome.stopReason, records: outcome.records, error };
  } finally {
    // The parent's code is waiting for this answer: end the child's Python after handing it over.
    tree.defer(node.sandbox.close());
  }
};
