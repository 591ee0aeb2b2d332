/**
 * A run worth recording: the root model splits the context into chunks, draws a random sample of
 * them (so a replay that did not seed `random` the same would print something else), fans the
 * chunks out with `llm_query_batched` (or to child RLMs with `rlm_query_batched`) and submits the
 * sum of the words each counted. The answer comes out of Python over the real context.
 */

import type { FakePolicy, FakeRequest } from "../fakes/types.js";
import { code, turnOf } from "./conversation.js";

const CHILD_REPLY = { text: code('FINAL(f"words={len(context.split())}")') };

/** A child RLM's conversation: its query is a chunk of the words (the CLI gives children the root's model). */
function isChild(request: FakeRequest): boolean {
  return request.messages.some(
    (message) => message.role === "user" && /Query: w\d{4} /.test(message.content),
  );
}

export interface FanOutOptions {
  /** Characters per chunk (a multiple of a word's 6, so chunks count to the whole). Default 600. */
  chunkChars?: number;
  /** Delay of each sub-model reply. */
  subDelayMs?: number;
  /** Root turns that only print, before the fan-out. */
  warmUpTurns?: number;
  /** Fan out to child RLMs (`rlm_query_batched`, depth 2) instead of sub-calls. */
  recursive?: boolean;
  /** Also print the clock: output a replay cannot reproduce. */
  clock?: boolean;
}

/** `words` words of 6 characters ("w00001 "-like): chunks of a multiple of 6 count exactly. */
export function wordsContext(words: number): string {
  return Array.from({ length: words }, (_, index) => `w${String(index % 100_000).padStart(4, "0")} `).join(
    "",
  );
}

export function fanOutPolicies(options: FanOutOptions = {}): Record<string, FakePolicy> {
  const warmUp = options.warmUpTurns ?? 0;
  const fanOut = [
    "import random",
    `size = ${options.chunkChars ?? 600}`,
    "parts = [context[i:i + size] for i in range(0, len(context), size)]",
    "picked = sorted(random.sample(range(len(parts)), min(3, len(parts))))",
    options.recursive
      ? "answers = rlm_query_batched(parts)"
      : 'answers = llm_query_batched([f"Count the words: {part}" for part in parts])',
    'total = sum(int(answer.split("=")[1]) for answer in answers)',
    "print(len(parts), total, picked)",
    ...(options.clock ? ['print(__import__("time").time_ns())'] : []),
  ].join("\n");
  return {
    root: (request) => {
      if (isChild(request)) return CHILD_REPLY;
      const turn = turnOf(request);
      if (turn <= warmUp) return { text: code(`print("warming up", ${turn}, len(context))`) };
      if (turn === warmUp + 1) return { text: code(fanOut) };
      return { text: code('FINAL(f"total={total} picked={picked}")') };
    },
    sub: (request) => {
      const prompt = request.messages.at(-1)?.content ?? "";
      const words = prompt
        .replace(/^Count the words: /, "")
        .split(/\s+/)
        .filter(Boolean).length;
      return { text: `words=${words}`, delayMs: options.subDelayMs ?? 0 };
    },
    child: () => CHILD_REPLY,
  };
}
