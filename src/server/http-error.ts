import type { ServerResponse } from "node:http";
import { type ErrorCode, httpErrorOf, isRlmError, type OpenAIErrorType, RlmError } from "../errors/index.js";

/**
 * The one place where failures become responses: every handler throws (an `HttpError` for request
 * problems, any `RlmError` from the engine, anything else), and `writeError` turns it into
 * OpenAI's error JSON `{error: {message, type, param, code}}` with the status, type and snake_case
 * code the error catalogue gives its code (or, on the Ollama routes, Ollama's `{error: "..."}`), so
 * clients show the message instead of a parse failure.
 */

export class HttpError extends RlmError {
  /** The HTTP status and OpenAI type of this code, from the catalogue. */
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  /** Extra response headers (`Retry-After` on a 503). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { param?: string; hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(code, message, { hint: options.hint });
    this.name = "HttpError";
    const http = httpErrorOf(code);
    this.status = http.status;
    this.type = http.type;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** Status and OpenAI body of any failure: an RlmError as the catalogue says, anything else a 500. */
export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isRlmError(error)) {
    const { status, type, code } = httpErrorOf(error.code);
    const param = error instanceof HttpError ? error.param : null;
    return { status, body: { error: { message: error.describe(), type, param, code } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  const { status, type, code } = httpErrorOf("internal-error");
  return { status, body: { error: { message: `Internal error: ${message}`, type, param: null, code } } };
}

/**
 * Writes the error as JSON, or, when a stream has already started, as its last event: for OpenAI a
 * `data:` event carrying the same `{error}` object (OpenAI's clients raise it) and `[DONE]`; for
 * Ollama an NDJSON line `{"error": "..."}` (Ollama's own format, which its client raises).
 */
export function writeError(
  response: ServerResponse,
  error: unknown,
  format: "openai" | "ollama" = "openai",
): void {
  if (response.destroyed || response.writableEnded) return;
  const { status, body } = errorBody(error);
  const extraHeaders = error instanceof HttpError ? error.headers : {};
  if (format === "ollama") {
    const line = JSON.stringify({ error: body.error.message });
    if (response.headersSent) {
      response.end(`${line}\n`);
      return;
    }
    response.writeHead(status, {
      ...extraHeaders,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(line),
    });
    response.end(line);
    return;
  }
  if (response.headersSent) {
    response.end(`data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`);
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...extraHeaders,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}
