import type { RlmError } from "../../errors/index.js";
import { ContextOverflowError, ModelCallError, overflowSizes } from "../errors.js";
import type { HttpResponse } from "./http-response.js";
import { parseRetryAfter } from "./retry-after.js";

/** What a non-2xx response said, handed to a backend's own error mapping before the defaults. */
export interface HttpFailure {
  url: string;
  status: number;
  /** The server's own message, pulled out of its error JSON, else the raw body (shortened). */
  message: string;
  /** The server's error type or code, when its error JSON has one (`context_length_exceeded`). */
  errorType: string | undefined;
  /** The raw body text (shortened to 4 000 characters). */
  body: string;
  retryAfterSeconds: number | undefined;
}

/** A backend's own reading of a failure (model not found, quota...); undefined falls back to the defaults. */
export type MapHttpFailure = (failure: HttpFailure) => RlmError | undefined;

const CONTEXT_OVERFLOW_PATTERN =
  /context length|context window|context size|maximum context|too many tokens|prompt is too long|exceeds? the (?:available )?context|input length exceeds|exceed_context_size|context_length_exceeded/i;

/** The server's words about an overflow, wherever it put them. */
export function looksLikeContextOverflow(failure: Pick<HttpFailure, "message" | "errorType">): boolean {
  return (
    CONTEXT_OVERFLOW_PATTERN.test(failure.message) || CONTEXT_OVERFLOW_PATTERN.test(failure.errorType ?? "")
  );
}

function pickMessage(parsed: unknown): { message?: string; errorType?: string } {
  if (typeof parsed !== "object" || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "string") return { message: error };
  if (typeof error === "object" && error !== null) {
    const inner = error as Record<string, unknown>;
    const type =
      typeof inner.code === "string" ? inner.code : typeof inner.type === "string" ? inner.type : undefined;
    if (typeof inner.message === "string") return { message: inner.message, errorType: type };
  }
  if (typeof record.message === "string") return { message: record.message };
  if (typeof record.detail === "string") return { message: record.detail };
  return {};
}

/** Reads a failed response's body and headers into an HttpFailure. Never throws. */
export async function readHttpFailure(response: HttpResponse, url: string): Promise<HttpFailure> {
  let body = "";
  try {
    body = (await response.text()).slice(0, 4_000);
  } catch {
    // The body is only for the message; a body cut mid-way still leaves the status to act on.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const picked = pickMessage(parsed);
  return {
    url,
    status: response.status,
    message: picked.message ?? (body.trim().slice(0, 500) || response.statusText || "no message"),
    errorType: picked.errorType,
    body,
    retryAfterSeconds: parseRetryAfter(response.headers),
  };
}

/** The default reading of an HTTP failure, used when the backend's mapping has nothing better. */
export function defaultHttpError(failure: HttpFailure, target: string, authHint: string): ModelCallError {
  const { status, message, retryAfterSeconds, url } = failure;
  const said = `${target} answered ${status}: ${message}`;
  // Some servers answer an overflow with a 500; repeating it would never help, whatever the status.
  if (status === 413 || looksLikeContextOverflow(failure)) {
    return new ContextOverflowError(`The prompt is too long for the model. ${said}`, {
      ...overflowSizes(message, failure.body),
      cause: failure,
      status,
      url,
    });
  }
  if (status === 401 || status === 403) {
    return new ModelCallError("authentication-failed", said, { hint: authHint, cause: failure, status, url });
  }
  if (status === 429) {
    return new ModelCallError("rate-limited", said, {
      hint: "The server is rate-limiting; the pool waits and retries (lower the concurrency if it persists).",
      isRetryable: true,
      retryAfterSeconds,
      cause: failure,
      status,
      url,
    });
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new ModelCallError("server-error", said, {
      hint: "The server failed or is overloaded; the call can be repeated.",
      isRetryable: true,
      retryAfterSeconds,
      cause: failure,
      status,
      url,
    });
  }
  if (status === 404) {
    return new ModelCallError("not-found", said, {
      hint: "Check the base URL and the model name.",
      cause: failure,
      status,
      url,
    });
  }
  return new ModelCallError("bad-request", said, {
    hint: "The server refused the request; check the model name and options.",
    cause: failure,
    status,
    url,
  });
}
