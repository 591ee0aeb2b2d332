/**
 * The scripted root model: writes the Python a capable model writes for a question over a long
 * log, one step per turn: probe the context, split it into chunks that fit one sub-call, ask the
 * sub-model about every chunk with `llm_query_batched`, combine and check the answers in code,
 * then submit the variable the code built. It never sees the document: each reply is decided
 * from the conversation alone (the first message's metadata and what its last code printed), the
 * way a model decides. The values it prints itself (`length: ...`, `chunks: ...`) are what it
 * reads back on the next turn.
 */

import type { ChatMessage } from "../models/types.js";

/** What the root reads from its conversation. */
export interface RootView {
  query: string;
  /** Characters one sub-call may take, from the first message (the engine's metadata). */
  subCallChars: number;
  /** Replies it gave so far for this query. */
  turn: number;
  /** The last message: the first message, or what the last turn's code printed. */
  observation: string;
  /** Its own earlier replies, oldest first. */
  earlierReplies: string[];
}

const DEFAULT_SUB_CALL_CHARS = 8_000;
/** Room in each sub-call prompt for the instructions and the question. */
const PROMPT_ROOM = 1_000;
/** Chunks larger than this read worse, even where they fit. */
const LARGEST_CHUNK = 16_000;
const SMALLEST_CHUNK = 2_000;
/** A run that has gone this long without reaching an answer gives up rather than loop. */
const GIVE_UP_AFTER = 10;

export function readRootView(messages: readonly ChatMessage[]): RootView {
  let start = messages.findIndex((message) => message.role === "user" && /^Query: /m.test(message.content));
  if (start < 0) start = messages.findIndex((message) => message.role === "user");
  const first = messages[start]?.content ?? "";
  const capacity = /can take about ([\d,]+) characters/.exec(first)?.[1];
  const earlierReplies = messages
    .slice(Math.max(0, start))
    .filter((message) => message.role === "assistant")
    .map((message) => message.content);
  return {
    query: (/^Query: (.*)$/m.exec(first)?.[1] ?? "").trim(),
    subCallChars: capacity ? Number(capacity.replace(/,/g, "")) : DEFAULT_SUB_CALL_CHARS,
    turn: earlierReplies.length,
    observation: messages.at(-1)?.content ?? "",
    earlierReplies,
  };
}

/** The value printed after `name:` at the start of a line of the observation. */
function printed(observation: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, "m").exec(observation)?.[1]?.trim();
}

function printedNumber(observation: string, name: string): number | undefined {
  const value = printed(observation, name);
  const number = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(number) ? number : undefined;
}

function reply(thought: string, code: string): string {
  return `${thought}\n\n\`\`\`repl\n${code.trim()}\n\`\`\``;
}

function withCommas(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A Python string literal for any text (JSON string syntax is valid Python). */
function pythonString(text: string): string {
  return JSON.stringify(text);
}

/** The root's reply to its conversation so far. */
export function rootReply(view: RootView): string {
  const { observation } = view;
  if (observation.startsWith("Stop: ")) return lastAnswer(view);
  if (/\] raised an error in /.test(observation)) {
    const error = /error:\n(.*)/.exec(observation)?.[1] ?? "an error";
    return `My code failed (${error.trim()}), and this scripted model has no other plan.\n\nFINAL(The demo could not finish: its code failed with ${error.trim()})`;
  }
  if (view.turn >= GIVE_UP_AFTER) return "I am going in circles.\n\nFINAL(The demo could not finish.)";
  const incidents = printedNumber(observation, "incidents");
  if (incidents !== undefined) return submit(observation, incidents);
  const answers = printedNumber(observation, "answers");
  if (answers !== undefined) return afterAnswers(view, answers);
  const chunks = printedNumber(observation, "chunks");
  if (chunks !== undefined) return askChunks(view, chunks);
  const length = printedNumber(observation, "length");
  if (length !== undefined) return planChunks(view, length);
  return probe(view);
}

function probe(view: RootView): string {
  const thought =
    view.turn === 0
      ? "First I look at the context: its type, its size and how it starts."
      : "I lost track of where I am; let me look at the context again.";
  return reply(
    thought,
    String.raw`
print("type:", type(context).__name__)
print("length:", len(context))
if isinstance(context, str):
    print("lines:", context.count("\n") + 1)
    print("preview:")
    print(context[:400])
else:
    print("parts:", len(context))
`,
  );
}

function planChunks(view: RootView, length: number): string {
  const { observation } = view;
  const isLog = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/m.test(observation);
  const lines = printedNumber(observation, "lines");
  const size = Math.max(
    SMALLEST_CHUNK,
    Math.floor(Math.min(view.subCallChars - PROMPT_ROOM, LARGEST_CHUNK) / 1000) * 1000,
  );
  const shape = isLog
    ? `It is a log${lines !== undefined ? ` of ${withCommas(lines)} lines` : ""}, one timestamped event per line.`
    : "It is plain text.";
  const plan =
    length <= size
      ? "It fits in one sub-call, so one chunk will do."
      : `That is too long to read at once: one sub-call takes about ${withCommas(view.subCallChars)} characters, so I split it at line boundaries into chunks of at most ${withCommas(size)} characters.`;
  return reply(
    `The context is ${withCommas(length)} characters. ${shape} ${plan}`,
    String.raw`
text = context if isinstance(context, str) else "\n".join(context.values() if isinstance(context, dict) else context)

def chunk_lines(text, size):
    chunks, current, length = [], [], 0
    for line in text.split("\n"):
        if current and length + len(line) + 1 > size:
            chunks.append("\n".join(current))
            current, length = [], 0
        current.append(line)
        length += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks

chunks = chunk_lines(text, ${size})
print("chunks:", len(chunks))
print("sizes:", min(len(c) for c in chunks), "to", max(len(c) for c in chunks), "characters")
`,
  );
}

function askChunks(view: RootView, chunks: number): string {
  if (chunks === 0) return "The context is empty: there is nothing to find.\n\nFINAL(The log is empty.)";
  return reply(
    `${chunks === 1 ? "One chunk" : `${chunks} chunks`}. I ask the sub-model the question about each chunk, all at once with llm_query_batched, and print only the chunks where it found something.`,
    String.raw`
QUESTION = ${pythonString(view.query)}

def make_prompt(excerpt):
    return ("Read this excerpt of a longer document and answer the question from the excerpt alone.\n"
            "Reply with one line per entry you find: <id> | <time> | <what happened> | <cause>\n"
            "If the excerpt does not say, reply exactly: none\n"
            "Question: " + QUESTION + "\n\nExcerpt:\n" + excerpt)

def report(answers):
    failed = [i for i, a in enumerate(answers) if a.startswith("[error]")]
    found = [i for i, a in enumerate(answers) if i not in failed and a.strip().lower() != "none"]
    print("answers:", len(answers))
    print("failed:", len(failed))
    print("found in:", len(found), "chunks")
    for i in found:
        print("chunk", i, "->", answers[i].strip()[:300].replace("\n", " / "))
    for i in failed[:5]:
        print("chunk", i, "failed:", answers[i][:200])

answers = llm_query_batched([make_prompt(chunk) for chunk in chunks])
report(answers)
`,
  );
}

const RETRY_COMMENT = "# retry the chunks whose call failed";

function afterAnswers(view: RootView, answers: number): string {
  const failed = printedNumber(view.observation, "failed") ?? 0;
  const retried = view.earlierReplies.some((earlier) => earlier.includes(RETRY_COMMENT));
  if (failed > 0 && !retried) {
    return reply(
      `${failed} of ${answers} sub-calls failed; I ask those chunks again before combining.`,
      `
${RETRY_COMMENT}
retry = [i for i, a in enumerate(answers) if a.startswith("[error]")]
for i, a in zip(retry, llm_query_batched([make_prompt(chunks[i]) for i in retry])):
    answers[i] = a
report(answers)
`,
    );
  }
  const found = printedNumber(view.observation, "found in") ?? 0;
  const thought =
    found === 0
      ? "No chunk mentioned anything. I still combine in code, to say so from the answers themselves."
      : `The sub-model found something in ${found === 1 ? "one chunk" : `${found} chunks`}. A sub-model can misread, so I keep only entries whose id and cause are really in the document, and sort them by time.`;
  return reply(
    thought,
    String.raw`
rows, unconfirmed = {}, []
for a in answers:
    if a.startswith("[error]") or a.strip().lower() == "none":
        continue
    for line in a.strip().split("\n"):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 4 and parts[0] in text and parts[3] in text:
            rows[parts[0]] = parts
        elif line.strip():
            unconfirmed.append(line.strip())
rows = sorted(rows.values(), key=lambda parts: parts[1])
unread = sum(1 for a in answers if a.startswith("[error]"))
if rows:
    heading = str(len(rows)) + (" incidents were opened:" if len(rows) != 1 else " incident was opened:")
    summary = heading + "\n" + "\n".join(
        str(n) + ". " + p[0] + " at " + p[1] + ": " + p[2] + "; root cause: " + p[3]
        for n, p in enumerate(rows, 1))
else:
    summary = "No incident was opened in this log."
if unread:
    summary += "\n(" + str(unread) + " chunks could not be read.)"
print("incidents:", len(rows))
print("unconfirmed:", len(unconfirmed))
print(summary)
`,
  );
}

function submit(observation: string, incidents: number): string {
  const unconfirmed = printedNumber(observation, "unconfirmed") ?? 0;
  const checked =
    incidents === 0
      ? "No incident in any chunk."
      : `${incidents === 1 ? "One incident" : `${incidents} incidents`}, each found by a sub-model and confirmed in the document by code.`;
  const dropped = unconfirmed > 0 ? ` I dropped ${unconfirmed} entries the document does not confirm.` : "";
  return `${checked}${dropped} The summary above is the answer.\n\nFINAL_VAR(summary)`;
}

/** After a limit: the summary if the code built one, else say what is missing. */
function lastAnswer(view: RootView): string {
  if (view.earlierReplies.some((earlier) => earlier.includes("summary = "))) return "FINAL_VAR(summary)";
  return "FINAL(The run stopped before the log was read; there is no answer yet.)";
}
