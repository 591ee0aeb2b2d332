import {
  type ChatContext,
  ChatContextError,
  type ChatContextLocation,
  chatContext,
} from "../inputs/index.js";
import { type ChatRequest, chatMessagesOf } from "./chat-request.js";
import { HttpError } from "./http-error.js";

/**
 * Splits a chat request into what an RLM needs, by the rule in `src/inputs/chat-context.ts` (the
 * AI SDK model uses the same one): the query is the text of the last user message; the context is
 * `rlm_context`, or else the earlier user/assistant messages and every attached file; system (and
 * developer) messages become extra instructions for the root model. Failures become `HttpError`s
 * whose `param` names the field in OpenAI's way (`messages.3.role`).
 */

export type RequestContext = ChatContext;

function paramOf(location: ChatContextLocation | undefined): string | undefined {
  if (location === undefined) return undefined;
  if (location.message !== undefined) return `messages.${location.message}.${location.field}`;
  return location.field === "context" ? "rlm_context" : "messages";
}

export async function requestContext(request: ChatRequest): Promise<RequestContext> {
  const messages = chatMessagesOf(request.messages);
  try {
    return await chatContext(messages, { context: request.rlm_context, contextField: "rlm_context" });
  } catch (error) {
    if (!(error instanceof ChatContextError)) throw error;
    throw new HttpError(error.code, error.message, { hint: error.hint, param: paramOf(error.location) });
  }
}
