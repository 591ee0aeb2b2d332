/**
 * SIMULATED models for the benchmark: policies for the fake OpenAI-compatible server that play the
 * root and sub roles. The root reads its conversation (query, metadata, printed output) and writes
 * the code a capable model would write for that kind of question; the sub-model reads the text in
 * its prompt. Their scores test the system (loop, sandbox, sub-calls, scoring), never a model.
 */

import type { FakeAnswer, FakePolicy, FakeRequest } from "../../test/fakes/types.js";
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

/** Picks the approach from the question, as a model would from reading it. */
export function simulatedRootReply(view: RootView): string {
  const query = view.query;
  // A child RLM whose context is a reading prompt written by a parent (depth 2 trees).
  if (/Read the text below and answer the question/.test(query)) return childReaderRoot(view);
  if (/special magic \w+ for/.test(query)) return niahRoot(view);
  if (/magic number/.test(query)) return linearRoot(view);
  if (/end up living\?/.test(query)) return delegateRoot(view);
  if (/end up living:/.test(query)) return parallelRoot(view);
  if (/labelled|(most|least) common/.test(query) && /customer record/.test(query)) return recordsRoot(view);
  if (/declares `|specifier ends with|most lines|files have more than/.test(query)) return codebaseRoot(view);
  return "I do not know how to approach this question.\n\nFINAL(unknown)";
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

/** The fake server policy: root requests by model name or by the presence of the RLM system prompt. */
export function simulatedPolicy(options: SimulatedPolicyOptions = {}): FakePolicy {
  return (request): FakeAnswer => {
    const isRoot =
      request.model === SIMULATED_ROOT ||
      (request.model !== SIMULATED_SUB &&
        request.model !== SIMULATED_DIRECT &&
        request.messages.some((message) => message.role === "system"));
    if (isRoot) {
      return { text: simulatedRootReply(readRootView(request.messages)), delayMs: options.rootDelayMs ?? 0 };
    }
    return { text: readerAnswer(lastUser(request)), delayMs: options.subDelayMs ?? 0 };
  };
}

export { readerAnswer } from "./reader.js";
export { type RootView, readRootView } from "./root-view.js";
