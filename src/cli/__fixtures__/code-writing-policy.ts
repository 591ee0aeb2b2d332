/**
 * A fake-backend policy that behaves like a model doing RLM work: the root model ("root") writes
 * Python that reads `context` (whatever its shape), finds every "code is N", asks the sub-model
 * ("sub") to count words through `llm_query`, and submits an answer computed from those values.
 * The answer is never in the policy: it comes out of Python running over the real context.
 */
import type { FakePolicy, FakeReply } from "../../../test/fakes/index.js";

const FIRST_TURN = [
  "I will inspect the context first.",
  "```repl",
  "if isinstance(context, dict):",
  "    names, parts = sorted(context.keys()), [context[k] for k in sorted(context.keys())]",
  "elif isinstance(context, list):",
  "    names, parts = [], list(context)",
  "else:",
  "    names, parts = [], [context]",
  "import re",
  'codes = sorted(set(re.findall(r"code is (\\d+)", "\\n".join(parts))), key=int)',
  'counted = llm_query("Count the words: " + parts[0][:500])',
  "print(len(parts), codes, counted)",
  "```",
].join("\n");

const SECOND_TURN = [
  "```repl",
  'FINAL(f"codes={\',\'.join(codes)} parts={len(parts)} files={\',\'.join(names)} sub={counted}")',
  "```",
].join("\n");

export interface PolicyOptions {
  /** Delay before each root reply, to make runs long enough to watch. */
  rootDelayMs?: number;
  /** Extra root turns (each printing a line) before the two that answer. */
  extraTurns?: number;
}

export function codeWritingPolicy(options: PolicyOptions = {}): FakePolicy {
  return (request): FakeReply => {
    if (request.model === "sub") {
      const prompt = request.messages[request.messages.length - 1]?.content ?? "";
      const words = prompt.replace(/^Count the words: /, "").split(/\s+/).filter(Boolean).length;
      return { text: `words=${words}` };
    }
    const turn = request.messages.filter((message) => message.role === "assistant").length;
    const extra = options.extraTurns ?? 0;
    const delayMs = options.rootDelayMs ?? 0;
    if (turn < extra) return { text: `\`\`\`repl\nprint("warming up ${turn}")\n\`\`\``, delayMs };
    return { text: turn === extra ? FIRST_TURN : SECOND_TURN, delayMs };
  };
}
