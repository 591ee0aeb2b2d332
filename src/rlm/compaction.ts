/**
 * Keeps the root conversation inside the root model's window. When the conversation nears the
 * window (a fraction `compactAt` of it, estimated at 3 characters per token), the turns between
 * the system prompt and the last exchange are summarized by one call to the same model, and
 * replaced by that summary, placed before the current query. Variables in the REPL are untouched,
 * so nothing computed is lost, only the transcript of how.
 */

import type { ChatMessage, ChatOptions, ChatResult } from "../models/types.js";
import { truncateHeadTail } from "../sandbox/truncate.js";
import type { RlmNode } from "./node.js";

const CHARS_PER_TOKEN = 3;
const DEFAULT_COMPACT_AT = 0.7;

const SUMMARY_HEADER =
  "Summary of earlier turns (removed to save room; the REPL still holds every variable):";
const SUMMARY_END = "\n\n--- end of summary ---\n\n";

/** A query message's earlier summary (if it was compacted before) and its original text. */
function splitSummary(content: string): { earlier: string | undefined; original: string } {
  const end = content.indexOf(SUMMARY_END);
  if (!content.startsWith(SUMMARY_HEADER) || end < 0) return { earlier: undefined, original: content };
  return {
    earlier: content.slice(SUMMARY_HEADER.length, end).trim(),
    original: content.slice(end + SUMMARY_END.length),
  };
}

export interface Compaction {
  /** Messages replaced by the summary. */
  replaced: number;
  summary: ChatMessage;
}

/**
 * Compacts the node's conversation in place when needed. `queryStart` is the index of the current
 * query's first message; returns its new index and what was done (undefined when nothing was).
 */
export async function compactIfNeeded(
  node: RlmNode,
  queryStart: number,
): Promise<{ queryStart: number; compaction: Compaction | undefined }> {
  const { run, conversation } = node;
  const fraction = run.options.compactAt ?? DEFAULT_COMPACT_AT;
  const threshold = node.contextWindow * fraction * CHARS_PER_TOKEN;
  const size = conversation.reduce((total, message) => total + message.content.length, 0);
  const head = conversation[0];
  const query = conversation[queryStart];
  if (size <= threshold || !head || !query) return { queryStart, compaction: undefined };
  const tailStart = Math.max(queryStart + 1, conversation.length - 2);
  const tail = conversation.slice(tailStart);
  const middle = [...conversation.slice(1, queryStart), ...conversation.slice(queryStart + 1, tailStart)];
  if (middle.length < 2) return { queryStart, compaction: undefined };
  // A query message compacted before holds the earlier summary: summarize it again with the rest,
  // so nothing found before the first compaction is dropped by the second.
  const { earlier, original } = splitSummary(query.content);
  const notes = earlier === undefined ? [] : [`[summary of even earlier turns]\n${earlier}`];
  const transcript = [...notes, ...middle.map((message) => `[${message.role}]\n${message.content}`)].join(
    "\n\n",
  );
  const reply = await node.model.chat(
    [
      {
        role: "system",
        content:
          "You condense the working notes of an agent that answers a query by running Python on a large `context` variable. Keep: facts found (with exact values), variables created and what they hold, approaches that failed, and what is left to do. Drop code that is no longer needed. Be brief.",
      },
      { role: "user", content: truncateHeadTail(transcript, Math.floor(threshold / 2)) },
    ],
    { signal: node.signal, ...run.recording(node.sites.compaction(), node.model.spec) },
  );
  run.budget.check();
  const summary: ChatMessage = {
    role: "user",
    content: `${SUMMARY_HEADER}\n${reply.text.trim()}${SUMMARY_END}${original}`,
  };
  conversation.splice(0, conversation.length, head, summary, ...tail);
  run.emit({
    type: "warning",
    depth: node.depth,
    message: `Summarized ${middle.length} older messages to fit the root model's window.`,
  });
  return { queryStart: 1, compaction: { replaced: middle.length, summary } };
}

/** Between the query and the latest output, in a query message whose older turns were dropped. */
const DROPPED_MARK = "\n\n[earlier turns dropped to fit the window; variables kept]\n";

/**
 * The last resort when the model's window cannot hold the conversation (its backend refused the
 * prompt as too long) and there is nothing left to summarize: in a window of a few hundred tokens
 * even one exchange fills it. Drops every message after the current query but the last one (the
 * latest output, or the request after a limit), which is folded into the query message. Returns
 * that message, or undefined when there is nothing to drop.
 */
function dropOlderTurns(node: RlmNode, queryStart: number): ChatMessage | undefined {
  const { conversation } = node;
  const query = conversation[queryStart];
  const last = conversation.at(-1);
  if (
    query === undefined ||
    last === undefined ||
    last.role !== "user" ||
    conversation.length <= queryStart + 2
  ) {
    return undefined;
  }
  const dropped = conversation.length - queryStart - 2;
  const original = query.content.split(DROPPED_MARK)[0] ?? query.content;
  const merged: ChatMessage = { role: "user", content: `${original}${DROPPED_MARK}${last.content}` };
  conversation.splice(queryStart, conversation.length - queryStart, merged);
  node.run.emit({
    type: "warning",
    depth: node.depth,
    message: `The conversation no longer fits the window of ${node.model.spec}: dropped ${dropped} older message${dropped === 1 ? "" : "s"}, keeping the system prompt, the query and the latest output.`,
  });
  return merged;
}

/** Whether a model refused the prompt as longer than its window. */
function isOverflow(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === "context-overflow";
}

/**
 * The root model's call on the conversation; when the model refuses it as longer than its
 * window, once more after `dropOlderTurns`. `dropped` is the merged query message then (the loop
 * shows it as the turn's input).
 */
export async function chatWithinWindow(
  node: RlmNode,
  queryStart: number | undefined,
  options: ChatOptions,
): Promise<{ reply: ChatResult; dropped?: ChatMessage }> {
  try {
    return { reply: await node.model.chat(node.conversation, options) };
  } catch (error) {
    const dropped =
      isOverflow(error) && queryStart !== undefined ? dropOlderTurns(node, queryStart) : undefined;
    if (dropped === undefined) throw error;
    return { reply: await node.model.chat(node.conversation, options), dropped };
  }
}
