/**
 * Policies for the seed's three experiments, acting as a capable root model would: probe the
 * context, then (1) `linear`: find the needle with a regex in code; (2) `delegate`: cut the context
 * into chunks that fit one sub-call and ask a sub-model about each with `ask_llm`; (3) `parallel`:
 * the same in one `parallel_ask_llm` batch. The sub policy "reads" its prompt and reports what it
 * finds. These are simulations: they test the system, never a model.
 */

import type { FakePolicy } from "../fakes/types.js";
import { code, lastStdout, scripted, subCallCharsOf } from "./conversation.js";

export const LINEAR_NEEDLE = "The access code for the north gate is 7481-KX.";
export const LINEAR_QUERY = "What is the access code for the north gate?";
export const READING_NEEDLE = "Marta said the spare key was hidden under the blue lantern by the well.";
export const READING_QUERY = "Where was the spare key hidden?";
export const READING_ANSWER = "under the blue lantern by the well";

const PROBE = code("print(type(context).__name__, len(context))\nprint(context[:300])");

/** Answers with FINAL(the first quoted item the code printed in a Python list). */
function finalFromPrintedList(request: Parameters<FakePolicy>[0]): string {
  const match = /\[['"]([^'"]+)['"]/.exec(lastStdout(request));
  return match ? `I found it.\nFINAL(${match[1]})` : "FINAL(not found)";
}

export const linearRoot: FakePolicy = scripted([
  () => `Let me look at the context first.\n${PROBE}`,
  () =>
    `The needle should be findable with a regular expression.\n${code(
      'import re\nmatches = re.findall(r"access code for the north gate is ([A-Z0-9-]+)", context)\nprint(matches)',
    )}`,
  finalFromPrintedList,
]);

const QUESTION =
  "Read the text below. If it says where something was hidden, answer with that place only; otherwise answer NONE.";

function chunkingCode(request: Parameters<FakePolicy>[0]): string {
  const size = Math.min(subCallCharsOf(request) - 500, 6000);
  return `size = ${size}\nchunks = [context[i:i + size] for i in range(0, len(context), size)]\nprompts = [${JSON.stringify(QUESTION)} + "\\n\\n" + chunk for chunk in chunks]`;
}

export function delegateRoot(mode: "sequential" | "parallel"): FakePolicy {
  const calls =
    mode === "sequential"
      ? "replies = []\nfor prompt in prompts:\n    replies.append(ask_llm(prompt))"
      : "replies = parallel_ask_llm(prompts)";
  return scripted([
    () => `First, the shape of the context.\n${PROBE}`,
    (request) =>
      `Only reading finds this, so each chunk goes to a sub-model.\n${code(
        `${chunkingCode(request)}\n${calls}\nfound = [reply.strip() for reply in replies if "NONE" not in reply]\nprint(found)\nprint(len(chunks), "chunks")`,
      )}`,
    finalFromPrintedList,
  ]);
}

/** A sub-model that reads its prompt: it reports the hiding place when the text holds one. */
export const readerSub: FakePolicy = (request) => {
  const prompt = request.messages.at(-1)?.content ?? "";
  const match = /hidden (under [^.]+)\./.exec(prompt);
  return { text: match ? (match[1] ?? "NONE") : "NONE" };
};
