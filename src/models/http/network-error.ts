import { ModelCallError } from "../errors.js";

/** Error codes of a connection that could not be made at all (nothing listening, bad host). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Walks `cause` links (undici wraps socket errors in `TypeError: fetch failed`) to find a code. */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/** fetch wraps the socket error (`TypeError: fetch failed`, cause ...): the innermost message says what happened. */
function innermostMessage(error: unknown): string {
  let current = error;
  let message = String(error);
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    message = current.message;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return message;
}

/** Why a request got no answer, for a message: the socket's code (`ECONNREFUSED`), else the innermost message. */
export function connectionFailure(error: unknown): string {
  return findErrorCode(error) ?? innermostMessage(error);
}

export interface NetworkErrorContext {
  /** Who we talked to, for the message ("Ollama at http://127.0.0.1:11434"). */
  target: string;
  /** What to do when nothing answers (e.g. "Start it with `ollama serve` or set OLLAMA_HOST"). */
  unreachableHint: string;
}

/**
 * Turns a failed fetch into an RlmError. Both kinds are retryable: a refused connection may be a
 * server restarting or one endpoint of a fleet going away, which the pool routes around.
 */
export function networkError(error: unknown, context: NetworkErrorContext, url?: string): ModelCallError {
  const code = findErrorCode(error);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new ModelCallError("backend-unreachable", `Cannot connect to ${context.target} (${code}).`, {
      hint: context.unreachableHint,
      isRetryable: true,
      cause: error,
      url,
    });
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new ModelCallError("connection-error", `The connection to ${context.target} failed (${detail}).`, {
    hint: "The server closed or reset the connection; the call can be repeated.",
    isRetryable: true,
    cause: error,
    url,
  });
}
