/**
 * Reading an RLM conversation the way a model does: which turn this is, what the last message
 * said, what the code printed. Policies use these to decide what to write next.
 */

import type { FakePolicy, FakeReply, FakeRequest } from "../fakes/types.js";

/** 1 for the first reply of a query, 2 after one observation, ... (counted from the last query). */
export function turnOf(request: FakeRequest): number {
  const lastQuery = request.messages.findLastIndex((message) => message.content.includes("Query: "));
  return request.messages.slice(lastQuery).filter((message) => message.role === "assistant").length + 1;
}

export function lastUserMessage(request: FakeRequest): string {
  return request.messages.findLast((message) => message.role === "user")?.content ?? "";
}

export function systemMessage(request: FakeRequest): string {
  return request.messages.find((message) => message.role === "system")?.content ?? "";
}

/** The stdout section of the last observation (first block), or "". */
export function lastStdout(request: FakeRequest): string {
  const match = /stdout:\n([\s\S]*?)(?:\n\n(?:stderr:|error:|\[block|Variables:|Turn )|$)/.exec(
    lastUserMessage(request),
  );
  return match?.[1]?.trim() ?? "";
}

/** The characters one sub-call may take, as the first message states it. */
export function subCallCharsOf(request: FakeRequest): number {
  const first = request.messages.find((message) =>
    message.content.includes("One llm_query prompt can take about"),
  );
  const match = /can take about ([\d,]+) characters/.exec(first?.content ?? "");
  return Number((match?.[1] ?? "0").replaceAll(",", ""));
}

export function code(source: string): string {
  return `\`\`\`repl\n${source}\n\`\`\``;
}

/** Sends each model name to its own policy (one fake server can play the root and the sub-model). */
export function byModel(policies: Record<string, FakePolicy>): FakePolicy {
  return (request) => {
    const policy = policies[request.model];
    if (!policy) return { fault: "status", status: 404, message: `no policy for model ${request.model}` };
    return policy(request);
  };
}

/** A root policy that answers turn n with `turns[n - 1]` (the last one repeats). */
export function scripted(turns: ((request: FakeRequest) => FakeReply | string)[]): FakePolicy {
  return (request) => {
    const step = turns[Math.min(turnOf(request), turns.length) - 1];
    const reply = step ? step(request) : "";
    return typeof reply === "string" ? { text: reply } : reply;
  };
}
