/**
 * SIMULATED models for the benchmark: policies for the fake OpenAI-compatible server that play the
 * root and sub roles. The root reads its conversation (metadata, printed output) and writes the
 * code a capable model would write for that kind of question; the sub-model reads the text in its
 * prompt. What a question asks comes from the task that wrote it (`QuestionAsk`, posed by the
 * runner), never from the question's wording. Their scores test the system (loop, sandbox,
 * sub-calls, scoring), never a model.
 */

import type { FakeAnswer, FakePolicy, FakeRequest } from "../../test/fakes/types.js";
import type { AskKind, QuestionAsk } from "../tasks/types.js";
import { READ_PROMPT_HEAD } from "./python-snippets.js";
import { type PosedQuestion, QuestionBook } from "./question-book.js";
import { readerAnswer } from "./reader.js";
import { codebaseRoot } from "./root-codebase.js";
import { linearRoot, niahRoot } from "./root-needle.js";
import { childReaderRoot, delegateRoot, parallelRoot } from "./root-reading.js";
import { recordsRoot } from "./root-records.js";
import { type RootView, readRootView } from "./root-view.js";

/** Model names the simulated server answers as. */
export const SIMULATED_ROOT = "simulated-root";
export const SIMULATED_SUB = "simulated-sub";
export const SIMULATED_DIRECT = "simulated-direct";

type Strategy<K extends AskKind> = (view: RootView, ask: Extract<QuestionAsk, { kind: K }>) => string;

/** The approach for each kind of question: a new kind does not compile until it has one. */
export const ROOT_STRATEGIES: { [K in AskKind]: Strategy<K> } = {
  "magic-key": (view, ask) => niahRoot(view, ask.key),
  "magic-number": (view) => linearRoot(view),
  "where-one": (view) => delegateRoot(view),
  "where-each": (view) => parallelRoot(view),
  "count-label": recordsRoot,
  "rank-label": recordsRoot,
  "label-pairs": recordsRoot,
  declares: codebaseRoot,
  imports: codebaseRoot,
  "longer-than": codebaseRoot,
  "longest-file": codebaseRoot,
};

/** Which approach the root takes: a child RLM given a reading prompt reads it; else the ask's. */
export function rootStrategy(view: RootView, ask: QuestionAsk | undefined): (view: RootView) => string {
  // A child RLM whose context is a reading prompt written by a parent's code (depth 2 trees).
  if (view.query.includes(READ_PROMPT_HEAD)) return childReaderRoot;
  if (ask === undefined) return () => "I was not told what this question asks.\n\nFINAL(unknown)";
  const strategy = ROOT_STRATEGIES[ask.kind] as Strategy<AskKind>;
  return (current) => strategy(current, ask as never);
}

export function simulatedRootReply(view: RootView, ask: QuestionAsk | undefined): string {
  return rootStrategy(view, ask)(view);
}

export interface SimulatedPolicyOptions {
  /** Latency of every root reply. */
  rootDelayMs?: number;
  /** Latency of every sub (and direct) reply. */
  subDelayMs?: number;
}

function lastUser(request: FakeRequest): string {
  return [...request.messages].reverse().find((message) => message.role === "user")?.content ?? "";
}

export interface SimulatedModels {
  /** The fake server's policy: root requests by model name or by the presence of the RLM system prompt. */
  policy: FakePolicy;
  /** Tells the models what a question asks, before it is asked (the runner does, from the task). */
  pose(question: PosedQuestion): void;
}

export function simulatedModels(options: SimulatedPolicyOptions = {}): SimulatedModels {
  const book = new QuestionBook();
  const policy: FakePolicy = (request): FakeAnswer => {
    const isRoot =
      request.model === SIMULATED_ROOT ||
      (request.model !== SIMULATED_SUB &&
        request.model !== SIMULATED_DIRECT &&
        request.messages.some((message) => message.role === "system"));
    if (isRoot) {
      const view = readRootView(request.messages);
      return { text: simulatedRootReply(view, book.find(view.prompt)), delayMs: options.rootDelayMs ?? 0 };
    }
    const prompt = lastUser(request);
    return { text: readerAnswer(prompt, book.find(prompt)), delayMs: options.subDelayMs ?? 0 };
  };
  return { policy, pose: (question) => book.pose(question) };
}

export { type PosedQuestion, QuestionBook } from "./question-book.js";
export { readerAnswer } from "./reader.js";
export { type RootView, readRootView } from "./root-view.js";
