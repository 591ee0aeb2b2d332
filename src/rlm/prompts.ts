/**
 * What the root model reads: the system prompt (the REPL contract and a way of working), the first
 * message (metadata about the context, never the context itself) and the fixed messages of the
 * loop (nudges, the last call after a limit). Written for this project; short, because small local
 * models follow short prompts better than long ones. A root model with a small window (under
 * `COMPACT_PROMPT_BELOW` tokens) gets a compact system prompt and first message that keep the
 * protocol (the REPL's names, ```repl blocks, FINAL / FINAL_VAR) and drop the advice, so that
 * they leave room for the turns in a window of a few hundred tokens.
 */

import type { ChatMessage } from "../models/types.js";
import { REPL_NAMES, type ReplName } from "../sandbox/repl-names.js";
import { isSandboxTool } from "../sandbox/tools.js";
import type { JsonValue, ToolInput } from "../sandbox/types.js";

export interface SystemPromptInput {
  /** Characters one llm_query prompt may hold (from the sub-model's context window). */
  subCallChars: number;
  /** Whether rlm_query starts child RLMs here (false: it behaves like llm_query). */
  recursive: boolean;
  tools: Record<string, ToolInput>;
  /** Extra user instructions, appended. */
  instructions: string | undefined;
  /** In a session: names of earlier contexts and `history`. */
  session: boolean;
}

/** 1234567 -> "1,234,567". Not toLocaleString: its first call loads ICU, ~25 ms of every run's start. */
export function thousands(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The system prompt's line for each name the REPL offers (`REPL_NAMES`, the sandbox's one list): a
 * name added there without a line here does not compile. An alias, or a name explained on another's
 * line, names that one instead.
 */
function replHelp(input: SystemPromptInput): Record<ReplName, string | { on: ReplName }> {
  const chars = thousands(input.subCallChars);
  return {
    context: "- `context`: the data (a str, a list, or a dict; its parts are str unless told otherwise).",
    llm_query: `- \`llm_query(prompt, model=None) -> str\` (alias \`ask_llm\`): asks a language model. It sees nothing but \`prompt\`, which may hold about ${chars} characters. Put the text to read and the exact question in the prompt.`,
    ask_llm: { on: "llm_query" },
    llm_query_batched:
      "- `llm_query_batched(prompts, model=None, dry_run=False) -> list[str]` (alias `parallel_ask_llm`): many prompts at once, run concurrently, answers in the same order. A prompt that failed gives a string starting with `[error]`. A batch too large for what is left of the budget raises RuntimeError before anything is sent: use fewer, larger chunks. `dry_run=True` returns the estimate (a dict) and sends nothing.",
    parallel_ask_llm: { on: "llm_query_batched" },
    rlm_query: input.recursive
      ? "- `rlm_query(prompt)` / `rlm_query_batched(prompts)`: like the two above, but each prompt goes to a helper that has its own REPL (its `context` is the prompt) and can work on it in code the way you do. Use it for sub-tasks too big or too tricky for one model call."
      : "- `rlm_query(prompt)` / `rlm_query_batched(prompts)`: at this level they behave exactly like `llm_query` / `llm_query_batched`.",
    rlm_query_batched: { on: "rlm_query" },
    SHOW_VARS: "- `SHOW_VARS()`: lists your variables.",
    answer:
      "- To submit the answer: `FINAL(answer_text)` or `FINAL_VAR(variable_name)`, in code or alone on a line outside code, or set `answer['content'] = ...` and `answer['ready'] = True`.",
    FINAL: { on: "answer" },
    FINAL_VAR: { on: "answer" },
  };
}

export function systemPrompt(input: SystemPromptInput): string {
  const help = replHelp(input);
  const line = (name: ReplName) => help[name] as string;
  const tools = Object.entries(input.tools).map(([name, tool]) => toolLine(name, tool));
  const session = input.session
    ? [
        "",
        "This is a conversation: `context` is the newest context; earlier ones stay as `context_0`, `context_1`, ...; each earlier query is `history_0`, `history_1`, ... (a list of message dicts: `[{'role': 'user', 'content': query}, {'role': 'assistant', 'content': answer}]`), and `history` is the newest of them. Variables you made earlier are still there.",
      ]
    : [];
  return [
    "You answer a query about a context that is far too long to read at once. The context is not in this conversation: it is the variable `context` in a persistent Python REPL. You work by writing Python; you see only what your code prints, and long output is cut.",
    "",
    "To run code, write it in a fenced block:",
    "```repl",
    "print(type(context), len(context))",
    "```",
    "A reply may hold several blocks; they run in order. Variables, imports and functions persist from turn to turn. After each reply you get the printed output.",
    "",
    "In the REPL:",
    // In the REPL's order, the host's tools before the line on submitting.
    ...REPL_NAMES.filter((name) => typeof help[name] === "string" && name !== "answer").map(line),
    ...tools,
    line("answer"),
    ...session,
    "",
    "How to work:",
    "1. Probe: print the type, the length, a few slices; find the structure (separators, headings, record format). Never answer before you have seen output from the context.",
    "2. Plan a decomposition: by parts, sections or fixed-size chunks that fit one sub-call.",
    "3. Filter in code first: slicing, `re`, counting and parsing are exact and free. Send to models only the pieces that need reading.",
    "4. Batch: when many pieces need a model, build the list of prompts and make one `llm_query_batched` call instead of a loop of `llm_query`.",
    "5. Keep results in variables, print short summaries, check them, then submit.",
    ...(input.instructions ? ["", input.instructions] : []),
  ].join("\n");
}

/** A tool's line in the REPL's help: a function with its description, or a value with its Python type. */
function toolLine(name: string, tool: ToolInput): string {
  if (isSandboxTool(tool)) return `- \`${name}(...)\`: ${tool.description}`;
  if (typeof tool === "function") return `- \`${name}(...)\`: a host function.`;
  return `- \`${name}\`: a ${pythonType(tool)} value set for you.`;
}

function pythonType(value: JsonValue): string {
  if (value === null) return "None";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return Array.isArray(value) ? "list" : "dict";
}

/** A root window below this many tokens gets the compact system prompt and first message. */
export const COMPACT_PROMPT_BELOW = 4096;

export function isCompactWindow(contextWindow: number): boolean {
  return contextWindow < COMPACT_PROMPT_BELOW;
}

/**
 * The system prompt for a small window: the same contract in a few lines. Every name the REPL
 * offers but the aliases (which still work) is named, so `prompts-repl-names.test.ts` holds for it too.
 */
export function compactSystemPrompt(input: SystemPromptInput): string {
  const chars = thousands(input.subCallChars);
  const sub = input.recursive ? "hand a task to a helper with its own REPL" : "likewise";
  const tools = Object.entries(input.tools).map(([name, tool]) => toolLine(name, tool));
  const session = input.session
    ? ["Older contexts: `context_0`, `context_1`...; `history`: past answers."]
    : [];
  return [
    "Answer the query with Python in ```repl blocks; you see only what it prints. The data is `context`.",
    "```repl",
    "print(len(context))",
    "```",
    `\`llm_query(prompt)\` asks a model (up to ${chars} chars), \`llm_query_batched(prompts)\` many; \`rlm_query\`, \`rlm_query_batched\` ${sub}; \`SHOW_VARS()\`.`,
    ...tools,
    ...session,
    'Submit: FINAL(text), FINAL_VAR(name) or `answer["ready"] = True`.',
    ...(input.instructions ? [input.instructions] : []),
  ].join("\n");
}

/** The system prompt for a root window of this many tokens: compact in a small window. */
export function systemPromptFor(contextWindow: number, input: SystemPromptInput): string {
  return isCompactWindow(contextWindow) ? compactSystemPrompt(input) : systemPrompt(input);
}

export interface ContextDescription {
  type: "str" | "list" | "dict";
  totalChars: number;
  partLengths: number[];
  keys: string[] | undefined;
  /** The parts are JSON values (numbers, lists...), not all str. */
  json?: boolean;
  /** Files read as Python goes (LazyText): lengths count bytes, and the model is told how to scan. */
  lazy?: boolean;
  preview: string;
  variable: string;
}

const LISTED_PARTS = 100;

/** What the first message says about a lazy context: it is too large to hold, so it is scanned. */
const LAZY_NOTE = [
  "- it is lazy: each part is a text file read from disk as you go, too large to hold at once.",
  "  It works like a str for len(), slicing (context[i:j] gives a str), find/rfind/count/in,",
  "  startswith/endswith, re.search/re.findall/re.finditer(pattern, context) and",
  "  context.splitlines() (iterate it). Positions count UTF-8 bytes. Read it in pieces:",
  "  for piece in context.chunks(1_000_000): ...; whole-text methods (split, lower) fail on it.",
].join("\n");
/** In the compact first message: parts listed, and characters of the preview. */
const COMPACT_LISTED_PARTS = 10;
const COMPACT_PREVIEW_CHARS = 30;

/** The first message of a small window: the query and what `context` is, in two lines. */
function compactFirstMessage(query: string, context: ContextDescription, maxIterations: number): string {
  const parts = context.partLengths.length;
  const kind =
    context.type === "str" ? "str" : `${context.type} of ${parts} ${context.json ? "values" : "str"}`;
  const also = context.variable === "context" ? "" : ` (also \`${context.variable}\`)`;
  let shape = "";
  if (context.keys) {
    const shown = context.keys.slice(0, COMPACT_LISTED_PARTS).map((key) => JSON.stringify(key));
    shape = `, keys [${shown.join(", ")}${context.keys.length > COMPACT_LISTED_PARTS ? ", ..." : ""}]`;
  } else if (context.type !== "str") {
    const shown = context.partLengths.slice(0, COMPACT_LISTED_PARTS).join(", ");
    shape = `, lengths [${shown}${parts > COMPACT_LISTED_PARTS ? ", ..." : ""}]`;
  }
  const start = JSON.stringify(context.preview.slice(0, COMPACT_PREVIEW_CHARS));
  const unit = context.lazy ? "bytes, read from disk as you go (slice it, re.finditer over it)" : "chars";
  return [
    `Query: ${query}`,
    `\`context\`${also}: ${kind}, ${thousands(context.totalChars)} ${unit}${shape}, starts ${start}. ${maxIterations} turns.`,
  ].join("\n");
}

export function firstMessage(
  query: string,
  context: ContextDescription,
  subCallChars: number,
  maxIterations: number,
  compact = false,
): string {
  if (compact) return compactFirstMessage(query, context, maxIterations);
  const parts = context.partLengths.length;
  const values = context.json === true ? "values (JSON: str, int, float, bool, None, list, dict)" : "str";
  const kind =
    context.type === "str"
      ? "str"
      : context.type === "list"
        ? `list of ${parts} ${values}`
        : `dict of ${parts} ${values}`;
  const lines = [
    `Query: ${query}`,
    "",
    context.variable === "context"
      ? "The context is loaded in the REPL as `context`:"
      : `The context is loaded in the REPL as \`context\` (also \`${context.variable}\`):`,
    `- type: ${kind}`,
    `- total length: ${thousands(context.totalChars)} ${context.lazy ? "bytes" : "characters"}`,
  ];
  if (context.lazy) lines.push(LAZY_NOTE);
  if (context.type !== "str") {
    const shown = context.partLengths.slice(0, LISTED_PARTS).join(", ");
    const more = parts > LISTED_PARTS ? `, ... (${parts - LISTED_PARTS} more)` : "";
    lines.push(`- part lengths: [${shown}${more}]`);
  }
  if (context.keys) {
    const shown = context.keys.slice(0, LISTED_PARTS).map((key) => JSON.stringify(key));
    lines.push(`- keys: [${shown.join(", ")}${context.keys.length > LISTED_PARTS ? ", ..." : ""}]`);
  }
  lines.push(`- starts with: ${JSON.stringify(context.preview)}`);
  lines.push(`One llm_query prompt can take about ${thousands(subCallChars)} characters.`);
  lines.push("", `You have up to ${maxIterations} turns. Start by looking at the context with code.`);
  return lines.join("\n");
}

export const nudges = {
  noCode:
    "Your reply had no ```repl code block and no FINAL(...). Write code in a ```repl block to work on `context`, or submit with FINAL(your answer) on its own line.",
  tooEarly:
    "That answer was not accepted: you have not looked at the context yet. First inspect `context` with code in a ```repl block.",
  answerBeforeOutput:
    "Your FINAL(...) was not accepted: you wrote it before seeing what your code printed. Read the output above, then submit.",
  answerAfterError:
    "Your answer was not accepted because your code raised an error. Fix the code and check its output first.",
  emptyAnswer:
    "Your FINAL() was empty. Put the answer inside the parentheses, e.g. FINAL(42), or FINAL_VAR(name).",
  cutOff: "Your reply was cut off at the output token limit. Keep replies shorter: one step at a time.",
  missingVariable: (name: string) =>
    `FINAL_VAR(${name}): there is no variable named \`${name}\`. Create it in code first, or submit with FINAL(text).`,
};

/** The nudges small models get most, shorter for a small window (`isCompactWindow`). */
const compactNudges: Partial<typeof nudges> = {
  noCode: "No ```repl block and no FINAL(...): write code, or FINAL(answer).",
  tooEarly: "Not accepted: look at `context` in a ```repl block first.",
  cutOff: "Cut off: write shorter replies.",
};

/** The loop's nudges for a model with this window. */
export function nudgesFor(contextWindow: number): typeof nudges {
  return isCompactWindow(contextWindow) ? { ...nudges, ...compactNudges } : nudges;
}

/** The last call after a limit: no more code will run. */
export function finalAnswerRequest(why: string): string {
  return `Stop: ${why}, so no more code will run. From what you have found so far, reply now with your best answer to the query, as FINAL(your answer).`;
}

/** The preview a sample opening shows, as `describeContext` would cut it from a document. */
const SAMPLE_PREVIEW =
  "Annual report 2025. 1. Overview. Revenue grew 12 % to 4.1 million while costs rose faster; the board discusses the three main risks to the plan in section 4, then the outlook for the coming year.";

/**
 * The messages a root model with this window opens a run with, for a typical question over a
 * one-megabyte document: what a check (`rlm doctor`) sizes against the window before any input
 * is read. The sub-calls' size is taken from the same window.
 */
export function sampleOpening(contextWindow: number, maxIterations = 30): ChatMessage[] {
  const subCallChars = subCallCapacity(contextWindow);
  const input: SystemPromptInput = {
    subCallChars,
    recursive: false,
    tools: {},
    instructions: undefined,
    session: false,
  };
  const context: ContextDescription = {
    type: "str",
    totalChars: 1_000_000,
    partLengths: [1_000_000],
    keys: undefined,
    preview: SAMPLE_PREVIEW,
    variable: "context",
  };
  const question = "What are the three main risks in this report?";
  return [
    { role: "system", content: systemPromptFor(contextWindow, input) },
    {
      role: "user",
      content: firstMessage(question, context, subCallChars, maxIterations, isCompactWindow(contextWindow)),
    },
  ];
}

/** Characters one sub-call may take: the window minus room for the reply, at a conservative 3 characters per token. */
export function subCallCapacity(contextWindow: number): number {
  const reserve = Math.min(4096, Math.floor(contextWindow / 4));
  const chars = Math.max(1000, (contextWindow - reserve) * 3);
  return chars >= 10_000 ? Math.floor(chars / 1000) * 1000 : chars;
}
