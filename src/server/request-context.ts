import { bytesToText } from "../inputs/index.js";
import type { ContextInput } from "../sandbox/types.js";
import type { ChatRequest, ContentPart, RequestMessage } from "./chat-request.js";
import { HttpError } from "./http-error.js";

/**
 * Splits a chat request into what an RLM needs: the query is the text of the last user message;
 * the context is `rlm_context`, or else the earlier user/assistant messages and every attached
 * file; system (and developer) messages become extra instructions for the root model.
 *
 * Shapes: one piece of context is a `str`; several text messages are a `list[str]`; as soon as a
 * file is attached, a `dict` named by file name (and `message N` for text), so nothing is merged
 * away and the model can tell the parts apart.
 */

export interface RequestContext {
  context: ContextInput;
  query: string;
  instructions: string | undefined;
}

interface Piece {
  name: string;
  text: string;
  isFile: boolean;
}

function textOf(content: RequestMessage["content"]): string {
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("\n");
}

async function filesOf(content: RequestMessage["content"], firstIndex: number): Promise<Piece[]> {
  if (!Array.isArray(content)) return [];
  const pieces: Piece[] = [];
  for (const part of content) {
    if (part.type !== "file") continue;
    const name = part.file.filename ?? `file ${firstIndex + pieces.length + 1}`;
    const data = part.file.file_data.replace(/^data:[^,]*;base64,/, "");
    const bytes = Buffer.from(data, "base64");
    if (bytes.length === 0)
      throw new HttpError("invalid-file", `The attached file ${name} is empty or not base64.`);
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

export async function requestContext(request: ChatRequest): Promise<RequestContext> {
  const messages = request.messages;
  const last = messages[messages.length - 1] as RequestMessage;
  if (last.role !== "user") {
    throw new HttpError("invalid-request", "The last message must be the user's question.", {
      param: `messages.${messages.length - 1}.role`,
    });
  }
  const query = textOf(last.content).trim();
  if (query === "") {
    throw new HttpError("invalid-request", "The last user message has no text: it must hold the question.", {
      param: `messages.${messages.length - 1}.content`,
    });
  }
  const instructions: string[] = [];
  const pieces: Piece[] = [];
  for (const [index, message] of messages.slice(0, -1).entries()) {
    if (message.role === "system" || message.role === "developer") {
      instructions.push(textOf(message.content));
      pieces.push(...(await filesOf(message.content, pieces.length)));
      continue;
    }
    const text = textOf(message.content);
    if (text.trim() !== "") pieces.push({ name: `message ${index + 1}`, text, isFile: false });
    pieces.push(...(await filesOf(message.content, pieces.length)));
  }
  pieces.push(...(await filesOf(last.content, pieces.length)));

  let context: ContextInput;
  if (request.rlm_context !== undefined) {
    if (pieces.length > 0) {
      throw new HttpError(
        "ambiguous-context",
        "Give the context one way: rlm_context or earlier messages, not both.",
        {
          param: "rlm_context",
          hint: "Move the earlier messages into rlm_context, or drop rlm_context.",
        },
      );
    }
    context = request.rlm_context;
  } else {
    if (pieces.length === 0) {
      throw new HttpError("missing-context", "There is no context to read: only a question was sent.", {
        param: "messages",
        hint: "Put the document in earlier messages (or attach it as a file part), or send it in the rlm_context field; the last user message is the question.",
      });
    }
    context = shape(pieces);
  }
  const joined = instructions.filter((text) => text.trim() !== "").join("\n\n");
  return { context, query, instructions: joined === "" ? undefined : joined };
}
