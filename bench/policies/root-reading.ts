/**
 * Simulated root models for questions only reading answers. `delegate`: chunk the text and ask a
 * sub-model about each chunk in turn with `ask_llm`, stopping at the first answer. `parallel`:
 * many smaller chunks at once with `parallel_ask_llm`, then merge the per-chunk answers in code.
 */

import { CHUNK_PYTHON, PROBE_PYTHON, READ_PROMPT_PYTHON } from "./python-snippets.js";
import { codeReply, pythonString, type RootView, readMarked } from "./root-view.js";

/** Room left in a sub-call prompt for the chunk, after the instructions and the question. */
function chunkChars(view: RootView): number {
  return Math.max(1_000, view.subCallChars - 1_000 - view.query.length);
}

export function delegateRoot(view: RootView): string {
  if (view.turn === 0) return codeReply("I start by probing the context.", PROBE_PYTHON);
  if (view.turn === 1) {
    return codeReply(
      "The fact may be phrased in any way, so a regex is not safe: a sub-model reads one chunk at a time until it finds it.",
      `${READ_PROMPT_PYTHON}
${CHUNK_PYTHON}
import json
question = ${pythonString(view.query)}
chunks = chunk_text(context, ${chunkChars(view)})
print("chunks:", len(chunks))
found = None
for index, chunk in enumerate(chunks):
    reply = ask_llm(make_prompt(question, chunk)).strip()
    if reply and "NOT FOUND" not in reply.upper():
        found = {"chunk": index, "answer": reply}
        break
print("FOUND_JSON:", json.dumps(found))`,
    );
  }
  const found = readMarked(view.lastObservation, "FOUND_JSON:") as { answer?: string } | null | undefined;
  if (found?.answer) return `A sub-model found it in the text.\n\nFINAL(${found.answer})`;
  return "No chunk mentioned it.\n\nFINAL(not found)";
}

export function parallelRoot(view: RootView): string {
  if (view.turn === 0) return codeReply("I look at the context first.", PROBE_PYTHON);
  if (view.turn === 1) {
    // Many chunks even for a small context: the facts are spread out and reading is parallel.
    // With recursion, a few big parts go to helper RLMs that split them again (a depth-2 tree).
    const parts = view.recursive ? 4 : 16;
    const limit = view.recursive ? 4 * chunkChars(view) : chunkChars(view);
    const size = Math.max(1_000, Math.min(limit, Math.ceil(view.totalChars / parts)));
    const ask = view.recursive ? "rlm_query_batched" : "parallel_ask_llm";
    return codeReply(
      view.recursive
        ? "Each person's move can be anywhere: I give a few large parts to helper RLMs, which split them further."
        : "Each person's move can be anywhere and phrased freely: I split the text into many chunks and have sub-models read them all at once.",
      `${READ_PROMPT_PYTHON}
${CHUNK_PYTHON}
import json
question = ${pythonString(view.query)}
chunks = chunk_text(context, ${size})
replies = ${ask}([make_prompt(question, chunk) for chunk in chunks])
places = {}
for reply in replies:
    for line in reply.split("\\n"):
        if ":" in line and "NOT FOUND" not in line.upper() and not line.startswith("[error]"):
            name, city = line.split(":", 1)
            places.setdefault(name.strip(), city.strip())
result = "\\n".join(name + ": " + city for name, city in sorted(places.items()))
print("chunks:", len(chunks), "errors:", sum(1 for r in replies if r.startswith("[error]")))
print("PLACES_JSON:", json.dumps(places))`,
    );
  }
  const places = readMarked(view.lastObservation, "PLACES_JSON:");
  if (places !== null && typeof places === "object" && Object.keys(places).length > 0) {
    return "All chunks are read; the merged list is in `result`.\n\nFINAL_VAR(result)";
  }
  return "No chunk named anyone.\n\nFINAL(not found)";
}

/**
 * A child RLM (depth 1) given one reading prompt as its `context`: split the prompt's text into
 * pieces, have sub-models read them in one batch, and submit the lines that found something.
 */
export function childReaderRoot(view: RootView): string {
  if (view.turn === 0) return codeReply("My context is a reading task; let me see it.", PROBE_PYTHON);
  if (view.turn === 1) {
    return codeReply(
      "I split the text of the task into pieces and have them read in one batch.",
      `${READ_PROMPT_PYTHON}
${CHUNK_PYTHON}
head, body = context.split("\\n\\nText:\\n", 1)
question = head.split("Question: ", 1)[1]
pieces = chunk_text(body, max(1000, min(${chunkChars(view)}, len(body) // 4 + 1)))
replies = llm_query_batched([make_prompt(question, piece) for piece in pieces])
found = [r.strip() for r in replies if r.strip() and "NOT FOUND" not in r.upper() and not r.startswith("[error]")]
result = "\\n".join(found) if found else "NOT FOUND"
print("pieces:", len(pieces), "found:", len(found))`,
    );
  }
  return "FINAL_VAR(result)";
}
