import type { ServerResponse } from "node:http";
import { isRlmError, RlmError } from "../errors/index.js";

/**
 * The one place where failures become responses: every handler throws (an `HttpError` for request
 * problems, any `RlmError` from the engine, anything else), and `writeError` turns it into
 * OpenAI's error JSON `{error: {message, type, param, code}}` with a fitting status (or, on the
 * Ollama routes, Ollama's `{error: "..."}`), so clients show the message instead of a parse failure.
 */

export class HttpError extends RlmError {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  /** Extra response headers (`Retry-After` on a 503). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { type?: string; param?: string; hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(code, message, { hint: options.hint });
    this.name = "HttpError";
    this.status = status;
    this.type = options.type ?? (status === 401 ? "authentication_error" : "invalid_request_error");
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

/** Engine error codes and how they surface over HTTP; anything unlisted is a 500. */
const STATUS_BY_CODE: Record<string, { status: number; type: string }> = {
  "input-binary": { status: 400, type: "invalid_request_error" },
  "input-empty": { status: 400, type: "invalid_request_error" },
  "input-unreadable": { status: 400, type: "invalid_request_error" },
  "input-too-large": { status: 413, type: "invalid_request_error" },
  "invalid-model-spec": { status: 400, type: "invalid_request_error" },
  "rate-limited": { status: 429, type: "rate_limit_error" },
  "quota-exceeded": { status: 429, type: "rate_limit_error" },
  "backend-unreachable": { status: 502, type: "upstream_error" },
  "connection-error": { status: 502, type: "upstream_error" },
  "model-not-found": { status: 502, type: "upstream_error" },
  "authentication-failed": { status: 502, type: "upstream_error" },
  "missing-api-key": { status: 502, type: "upstream_error" },
  "server-error": { status: 502, type: "upstream_error" },
  "malformed-response": { status: 502, type: "upstream_error" },
  "stream-interrupted": { status: 502, type: "upstream_error" },
  timeout: { status: 504, type: "timeout_error" },
  "run-failed": { status: 502, type: "upstream_error" },
};

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { message: error.describe(), type: error.type, param: error.param, code: error.code } },
    };
  }
  if (isRlmError(error)) {
    const mapped = STATUS_BY_CODE[error.code] ?? { status: 500, type: "server_error" };
    return {
      status: mapped.status,
      body: { error: { message: error.describe(), type: mapped.type, param: null, code: error.code } },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    body: {
      error: {
        message: `Internal error: ${message}`,
        type: "server_error",
        param: null,
        code: "internal-error",
      },
    },
  };
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
