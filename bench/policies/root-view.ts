/**
 * What a simulated root model reads from its conversation: the query and the sub-call capacity
 * from the first message (the engine's metadata, never the context itself), which turn it is, and
 * the output its last code printed. Policies are stateless: every reply is decided from this view.
 */

import type { FakeMessage } from "../../test/fakes/types.js";

export interface RootView {
  query: string;
  /** The first message of this query (the query and the context's metadata), as the engine wrote it. */
  prompt: string;
  /** Characters one llm_query prompt may hold, as the metadata says. */
  subCallChars: number;
  /** "str" | "list" | "dict" ... as the metadata says. */
  contextType: string;
  totalChars: number;
  /** 0 on the first reply, 1 after one observation, ... */
  turn: number;
  /** The last user message (the observation of the previous turn, or the first message). */
  lastObservation: string;
  /** Whether `rlm_query` starts child RLMs here (the system prompt says so). */
  recursive: boolean;
}

const DEFAULT_SUB_CALL_CHARS = 20_000;

function firstUserMessage(messages: readonly FakeMessage[]): string {
  return messages.find((message) => message.role === "user")?.content ?? "";
}

export function readRootView(all: readonly FakeMessage[]): RootView {
  // In a session the conversation holds earlier queries: read from the newest "Query:" on.
  let start = 0;
  all.forEach((message, index) => {
    if (message.role === "user" && message.content.startsWith("Query: ")) start = index;
  });
  const messages = [...all.filter((message) => message.role === "system"), ...all.slice(start)];
  const first = firstUserMessage(messages);
  const query =
    /^Query: ([\s\S]*?)\n\n/m.exec(first)?.[1] ??
    /^Query: (.*)$/m.exec(first)?.[1] ??
    first.split("\n")[0] ??
    "";
  const capacity = /can take about ([\d,]+) characters/.exec(first)?.[1];
  const total = /total length: ([\d,]+) characters/.exec(first)?.[1];
  const last = [...messages].reverse().find((message) => message.role === "user");
  return {
    query: query.trim(),
    prompt: first,
    subCallChars: capacity ? Number(capacity.replace(/,/g, "")) : DEFAULT_SUB_CALL_CHARS,
    contextType: /- type: (\w+)/.exec(first)?.[1] ?? "str",
    totalChars: total ? Number(total.replace(/,/g, "")) : 0,
    turn: messages.filter((message) => message.role === "assistant").length,
    lastObservation: last?.content ?? "",
    recursive: all.some((message) => message.role === "system" && message.content.includes("its own REPL")),
  };
}

/** The JSON a policy's own code printed after `marker` (e.g. `RESULT_JSON: {...}`), if any. */
export function readMarked(observation: string, marker: string): unknown {
  const line = observation.split("\n").find((candidate) => candidate.startsWith(`${marker} `));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(marker.length + 1));
  } catch {
    return undefined;
  }
}

/** A reply with one code block, as a capable model writes it: a sentence, then the code. */
export function codeReply(thought: string, code: string): string {
  return `${thought}\n\n\`\`\`repl\n${code.trim()}\n\`\`\``;
}

/** A Python string literal for any text (JSON string syntax is valid Python). */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}
