/**
 * The `--baseline direct` call: the same question answered by one plain model call with the
 * context in the prompt, cut to what fits the model's window (the way long-context baselines are
 * run: whatever does not fit is never seen).
 */

import type { ModelPool } from "../../src/models/pool/index.js";
import type { ContextInput } from "../../src/sandbox/types.js";
import { score } from "../scoring/index.js";
import type { BenchQuestion } from "../tasks/types.js";
import type { DirectRun } from "./types.js";

/** Characters per token assumed when cutting (conservative for English and code). */
const CHARS_PER_TOKEN = 3;
/** Tokens left for the instructions, the question and the reply. */
const RESERVED_TOKENS = 2_048;

export function contextAsText(context: ContextInput): string {
  if (typeof context === "string") return context;
  if (Array.isArray(context)) return context.join("\n\n");
  return Object.entries(context)
    .map(([path, content]) => `=== ${path} ===\n${content}\n`)
    .join("");
}

export function directPrompt(question: string, text: string): string {
  return (
    "Read the text below and answer the question. If the text does not contain the answer, reply exactly NOT FOUND.\n" +
    `Question: ${question}\n\nText:\n${text}`
  );
}

export async function runDirect(
  pool: ModelPool,
  spec: string,
  context: ContextInput,
  question: BenchQuestion,
  windowTokens: number | undefined,
): Promise<DirectRun> {
  const model = pool.get(spec);
  const started = performance.now();
  const before = pool.usage()[spec];
  try {
    const window = windowTokens ?? (await model.info()).contextWindow;
    const room = Math.max(1_000, (window - RESERVED_TOKENS) * CHARS_PER_TOKEN - question.query.length);
    const text = contextAsText(context);
    const given = text.length > room ? text.slice(0, room) : text;
    const reply = await model.chat([{ role: "user", content: directPrompt(question.query, given) }], {
      temperature: 0,
    });
    const after = pool.usage()[spec];
    return {
      answer: reply.text,
      score: score(question.expected, reply.text),
      elapsedMs: performance.now() - started,
      promptTokens: (after?.promptTokens ?? 0) - (before?.promptTokens ?? 0),
      completionTokens: (after?.completionTokens ?? 0) - (before?.completionTokens ?? 0),
      costUsd: (after?.costUsd ?? 0) - (before?.costUsd ?? 0),
      contextChars: given.length,
      truncated: given.length < text.length,
    };
  } catch (error) {
    return {
      answer: "",
      score: 0,
      elapsedMs: performance.now() - started,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      contextChars: 0,
      truncated: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
