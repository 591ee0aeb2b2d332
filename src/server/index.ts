/**
 * Server: an OpenAI-compatible HTTP endpoint (`/v1/models`, `/v1/chat/completions`, plain and SSE
 * streaming) that answers each chat request with an RLM completion. The last user message is the
 * query; the earlier messages, attached files, or the `rlm_context` extension field are the
 * context. Errors are OpenAI-style JSON, written in one place (`http-error.ts`).
 */
export { checkBindPolicy } from "./bind-policy.js";
export { type ChatRequest, chatRequestSchema, parseChatRequest } from "./chat-request.js";
export {
  createRlmServer,
  DEFAULT_MAX_CONCURRENT_RUNS,
  DEFAULT_MAX_QUEUED_RUNS,
  type RlmServer,
} from "./create-server.js";
export { errorBody, HttpError } from "./http-error.js";
export { type RequestContext, requestContext } from "./request-context.js";
export type { CompletionEngine, RequestLog, RlmServerOptions } from "./server-options.js";
