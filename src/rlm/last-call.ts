/**
 * The last model call after a limit stopped the loop: the model is told why and asked for its best
 * answer from what it found, and whatever it says becomes the answer (FINAL(...) if it used it,
 * else its prose). This call ignores the tree's budget signal (which has fired) but not the
 * caller's own signal.
 */

import { describeStop } from "../budget/index.js";
import type { ChatMessage } from "../models/types.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import { parseReply } from "./parse-reply.js";
import { finalAnswerRequest } from "./prompts.js";
import type { Tree, TreeNode } from "./tree.js";

/** A stuck backend must not hold the run forever after a limit. */
const LAST_CALL_TIMEOUT_MS = 120_000;

export interface LastCallOutcome {
  answer: string;
  record: IterationRecord;
}

export async function lastCall(
  tree: Tree,
  node: TreeNode,
  conversation: ChatMessage[],
  reason: StopReason,
  iteration: number,
): Promise<LastCallOutcome> {
  const started = performance.now();
  const request: ChatMessage = {
    role: "user",
    content: finalAnswerRequest(describeStop(reason, tree.limits)),
  };
  // The output of the interrupted turn may be the last message: keep roles alternating.
  const previous = conversation.at(-1);
  if (previous?.role === "user") previous.content = `${previous.content}\n\n${request.content}`;
  else conversation.push(request);
  const reply = await node.model.chat(conversation, {
    ...tree.options.rootOptions,
    timeoutMs: LAST_CALL_TIMEOUT_MS,
    ...(tree.callerSignal ? { signal: tree.callerSignal } : {}),
  });
  conversation.push({ role: "assistant", content: reply.text });
  tree.emit({ type: "model-reply", depth: node.depth, iteration, text: reply.text, usage: reply.usage });
  const parsed = parseReply(reply.text);
  let answer = parsed.prose;
  if (parsed.final?.kind === "text") answer = parsed.final.text;
  else if (parsed.final?.kind === "variable")
    answer = (await node.sandbox.getVar(parsed.final.name)) ?? parsed.prose;
  const record: IterationRecord = {
    type: "iteration",
    iteration,
    timestamp: new Date().toISOString(),
    depth: node.depth,
    prompt: [request],
    response: reply.text,
    ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
    code_blocks: [],
    final_answer: answer,
    iteration_time: (performance.now() - started) / 1000,
    usage: reply.usage,
    stop_reason: reason,
  };
  return { answer, record };
}
