/**
 * How a query opens an RLM's conversation, the root's and a child's alike: the system prompt (when
 * the conversation has none yet: a session's later queries keep it) and the first message (the
 * query, and what the context is, never the context itself).
 */

import type { RlmNode } from "./node.js";
import {
  COMPACT_PROMPT_BELOW,
  type ContextDescription,
  firstMessage,
  isCompactWindow,
  systemPromptFor,
  thousands,
} from "./prompts.js";

/** A child's prompt this short is also its query; a longer one is summarized by its start. */
const CHILD_QUERY_CHARS = 2_000;

/**
 * Appends the opening of `query` to `node`'s conversation and returns the index of its first
 * message (everything from there on is the first iteration's prompt). `session`: the REPL also
 * holds earlier contexts and `history`.
 */
export function openQuery(
  node: RlmNode,
  query: string,
  context: ContextDescription,
  session: boolean,
): number {
  const { conversation, run } = node;
  const compact = isCompactWindow(node.contextWindow);
  if (conversation.length === 0) {
    const content = systemPromptFor(node.contextWindow, {
      subCallChars: node.subCallChars,
      recursive: node.depth + 1 < run.maxDepth,
      tools: run.options.tools ?? {},
      instructions: run.options.instructions,
      session,
    });
    conversation.push({ role: "system", content });
    if (compact) {
      run.emit({
        type: "warning",
        depth: node.depth,
        message: `The ${node.depth === 0 ? "root" : `depth-${node.depth}`} model ${node.model.spec} has a ${thousands(node.contextWindow)}-token window (under ${thousands(COMPACT_PROMPT_BELOW)}): it gets the compact system prompt and first message, without the advice on how to work.`,
      });
    }
  }
  const queryStart = conversation.length;
  conversation.push({
    role: "user",
    content: firstMessage(query, context, node.subCallChars, run.limits.maxIterations, compact),
  });
  return queryStart;
}

/** The query of a child RLM whose `context` is `prompt`. */
export function childQuery(prompt: string): string {
  if (prompt.length <= CHILD_QUERY_CHARS) return prompt;
  return `Do what the text in \`context\` asks (it starts: ${JSON.stringify(prompt.slice(0, 300))}).`;
}
