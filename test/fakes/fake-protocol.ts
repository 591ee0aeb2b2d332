import type { FakeAnswer, FakeRequest } from "./types.js";

/** An answer with its usage and finish reason filled in. */
export type CompleteAnswer = FakeAnswer &
  Required<Pick<FakeAnswer, "promptTokens" | "completionTokens" | "finishReason">>;

/** How one wire protocol reads a chat request and writes answers and errors. */
export interface FakeProtocol {
  name: FakeRequest["protocol"];
  /** Paths answered by the policy (e.g. `/api/chat`). */
  chatPaths: string[];
  /** Turns the parsed body into a FakeRequest (without headers/path, added by the core). */
  parseChat(body: Record<string, unknown>): Pick<FakeRequest, "model" | "messages" | "stream">;
  /** A reply the protocol gives before the policy is asked (e.g. Ollama's 404 for a model not pulled). */
  precheck?(request: FakeRequest): { status: number; body: unknown } | undefined;
  errorBody(status: number, message: string): unknown;
  answerBody(request: FakeRequest, answer: CompleteAnswer): unknown;
  streamContentType: string;
  /** The whole stream as wire chunks: reasoning and text pieces, then the closing chunks with usage. */
  streamChunks(request: FakeRequest, answer: CompleteAnswer): string[];
  /** The first wire chunk of a text-only stream, used before a cut. */
  textChunk(request: FakeRequest, text: string): string;
  malformedStreamChunk: string;
  /** The protocol's error inside a stream that already answered 200. */
  streamErrorChunk(message: string, errorType: string | undefined): string;
  /** Other endpoints (`/api/show`, `/v1/models`...); undefined means 404. */
  route?(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } | undefined;
}
