import { type ErrorCode, RlmError } from "../errors/index.js";
import type { ContextInput } from "../sandbox/types.js";
import { bytesToText } from "./bytes-to-text.js";

/**
 * The one rule that turns a chat conversation into what an RLM needs, shared by `rlm serve`
 * (`src/server/request-context.ts`) and the AI SDK model (`src/ai-sdk/`): the query is the text of
 * the last message, which must be the user's; the context is a context given apart (`rlm_context`,
 * `providerOptions.rlm.context`), or else the earlier user/assistant/tool messages' text and every
 * attached file; system (and developer) messages become extra instructions for the root model.
 *
 * Shapes: one piece of context is a `str`; several text messages are a `list[str]`; as soon as a
 * file is attached, a `dict` named by file name (and `message N` for text), so nothing is merged
 * away and the model can tell the parts apart. Each surface converts its own message format into
 * `ChatContextMessage`s and its failures (`ChatContextError`) into its own error type.
 */

export type ChatContextPart =
  | { type: "text"; text: string }
  /** Bytes, or a string in base64 (bare or a `data:...;base64,` URL): text, PDF, or refused as binary. */
  | { type: "file"; filename?: string; data: Uint8Array | string }
  /** A file whose text is already known. */
  | { type: "file"; filename?: string; text: string };

export interface ChatContextMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  parts: ChatContextPart[];
}

export interface ChatContext {
  context: ContextInput;
  query: string;
  instructions: string | undefined;
}

export interface ChatContextOptions {
  /** The context given apart from the messages; earlier messages or files beside it are refused. */
  context?: ContextInput;
  /** How the caller names that field in messages and hints (`rlm_context`). */
  contextField: string;
}

/**
 * Where in the conversation a problem is: a message's role or content, the messages as a whole, or
 * the context given apart. Surfaces translate it (`messages.3.role`) into their own terms.
 */
export type ChatContextLocation =
  | { message: number; field: "role" | "content" }
  | { message?: undefined; field: "messages" | "context" };

export class ChatContextError extends RlmError {
  readonly location: ChatContextLocation | undefined;

  constructor(code: ErrorCode, message: string, location?: ChatContextLocation, hint?: string) {
    super(code, message, { hint });
    this.name = "ChatContextError";
    this.location = location;
  }
}

interface Piece {
  name: string;
  text: string;
  isFile: boolean;
}

function textOf(message: ChatContextMessage): string {
  return message.parts
    .filter((part): part is Extract<ChatContextPart, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("\n");
}

function fileBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data !== "string") return data;
  return Buffer.from(data.replace(/^data:[^,]*;base64,/, ""), "base64");
}

async function filesOf(message: ChatContextMessage, firstIndex: number): Promise<Piece[]> {
  const pieces: Piece[] = [];
  for (const part of message.parts) {
    if (part.type !== "file") continue;
    const name = part.filename ?? `file ${firstIndex + pieces.length + 1}`;
    if ("text" in part) {
      if (part.text === "") throw new ChatContextError("invalid-file", `The attached file ${name} is empty.`);
      pieces.push({ name, text: part.text, isFile: true });
      continue;
    }
    const bytes = fileBytes(part.data);
    if (bytes.length === 0) {
      const why = typeof part.data === "string" ? "is empty or not base64" : "is empty";
      throw new ChatContextError("invalid-file", `The attached file ${name} ${why}.`);
    }
    pieces.push({ name, text: (await bytesToText(name, bytes)).text, isFile: true });
  }
  return pieces;
}

function shape(pieces: Piece[]): ContextInput {
  if (pieces.length === 1 && !pieces[0]?.isFile) return (pieces[0] as Piece).text;
  if (!pieces.some((piece) => piece.isFile)) return pieces.map((piece) => piece.text);
  const named: Record<string, string> = {};
  for (const piece of pieces) {
    let key = piece.name;
    for (let suffix = 2; key in named; suffix++) key = `${piece.name} (${suffix})`;
    named[key] = piece.text;
  }
  return named;
}

/** Splits a conversation into context, query and instructions; throws `ChatContextError`. */
export async function chatContext(
  messages: ChatContextMessage[],
  options: ChatContextOptions,
): Promise<ChatContext> {
  const lastIndex = messages.length - 1;
  const last = messages[lastIndex];
  if (last === undefined) {
    throw new ChatContextError(
      "invalid-request",
      "There are no messages: the last one must be the user's question.",
      {
        field: "messages",
      },
    );
  }
  if (last.role !== "user") {
    throw new ChatContextError("invalid-request", "The last message must be the user's question.", {
      message: lastIndex,
      field: "role",
    });
  }
  const query = textOf(last).trim();
  if (query === "") {
    throw new ChatContextError(
      "invalid-request",
      "The last user message has no text: it must hold the question.",
      { message: lastIndex, field: "content" },
    );
  }
  const instructions: string[] = [];
  const pieces: Piece[] = [];
  for (const [index, message] of messages.slice(0, -1).entries()) {
    if (message.role === "system" || message.role === "developer") {
      instructions.push(textOf(message));
      pieces.push(...(await filesOf(message, pieces.length)));
      continue;
    }
    const text = textOf(message);
    if (text.trim() !== "") pieces.push({ name: `message ${index + 1}`, text, isFile: false });
    pieces.push(...(await filesOf(message, pieces.length)));
  }
  pieces.push(...(await filesOf(last, pieces.length)));

  const field = options.contextField;
  let context: ContextInput;
  if (options.context !== undefined) {
    if (pieces.length > 0) {
      throw new ChatContextError(
        "ambiguous-context",
        `Give the context one way: ${field} or earlier messages, not both.`,
        { field: "context" },
        `Move the earlier messages into ${field}, or drop ${field}.`,
      );
    }
    context = options.context;
  } else {
    if (pieces.length === 0) {
      throw new ChatContextError(
        "missing-context",
        "There is no context to read: only a question was sent.",
        { field: "messages" },
        `Put the document in earlier messages (or attach it as a file part), or send it in the ${field} field; the last user message is the question.`,
      );
    }
    context = shape(pieces);
  }
  const joined = instructions.filter((text) => text.trim() !== "").join("\n\n");
  return { context, query, instructions: joined === "" ? undefined : joined };
}
