import { APICallError, JSONParseError, LoadAPIKeyError, TypeValidationError } from "@ai-sdk/provider";
import { RlmError } from "../../errors/index.js";
import {
  ModelCallError,
  malformedResponseError,
  serverReportedError,
  streamInterruptedError,
} from "../errors.js";
import { defaultHttpError, type HttpFailure, looksLikeContextOverflow } from "../http/error-response.js";
import { findErrorCode, networkError } from "../http/network-error.js";
import { parseRetryAfter } from "../http/retry-after.js";

/** Who failed, for messages and hints: the provider's id and model id. */
export interface AiSdkTarget {
  provider: string;
  modelId: string;
}

function targetText(target: AiSdkTarget): string {
  return `the AI SDK provider ${target.provider} (model ${target.modelId})`;
}

/** The error type or code in an OpenAI-style error body the provider parsed (`context_length_exceeded`). */
function errorTypeOf(data: unknown): string | undefined {
  const error = (data as { error?: unknown } | undefined)?.error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, type } = error as { code?: unknown; type?: unknown };
  return typeof code === "string" ? code : typeof type === "string" ? type : undefined;
}

/** A cause's message for ours, shortened (a JSON parse error quotes the whole body). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 300)}...` : message;
}

/** Socket errors of a connection that broke after the response had started. */
const CUT_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE", "UND_ERR_BODY_TIMEOUT"]);

/** True when `error` (or a cause) is a connection cut mid-response: undici's `TypeError: terminated`, a reset. */
function connectionCut(error: unknown): boolean {
  const code = findErrorCode(error);
  if (code !== undefined) return CUT_CODES.has(code);
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof TypeError && current.message === "terminated") return true;
    current = current.cause;
  }
  return false;
}

/** An `APICallError`: a status goes through the same reading as every HTTP backend's. */
function fromApiCallError(error: APICallError, target: AiSdkTarget): ModelCallError {
  const { statusCode: status, url } = error;
  if (status === undefined) {
    // No response: nothing listening (backend-unreachable) or a connection reset (connection-error).
    return networkError(
      error.cause ?? error,
      {
        target: `${targetText(target)} at ${url}`,
        unreachableHint: `Check that the server ${url} is up and the provider's base URL is right.`,
      },
      url,
    );
  }
  if (status >= 200 && status < 300) {
    // The response started and then failed: cut mid-body, or not the protocol's JSON.
    return connectionCut(error)
      ? streamInterruptedError(url, error)
      : malformedResponseError(
          url,
          `${error.message}${error.cause ? ` (${describe(error.cause)})` : ""}`,
          error,
        );
  }
  const headers = error.responseHeaders ?? {};
  const failure: HttpFailure = {
    url,
    status,
    message: error.message,
    errorType: errorTypeOf(error.data),
    body: (error.responseBody ?? "").slice(0, 4_000),
    retryAfterSeconds: parseRetryAfter({ get: (name) => headers[name] ?? null }),
  };
  if (status === 429 && failure.errorType === "insufficient_quota") {
    return new ModelCallError(
      "quota-exceeded",
      `${targetText(target)} says the account is out of quota: ${error.message}`,
      {
        hint: "Add credit to the account or use another key; retrying will not help.",
        cause: error,
        status,
        url,
      },
    );
  }
  return defaultHttpError(
    failure,
    targetText(target),
    `Check the API key the provider was given (its apiKey option or its environment variable, e.g. OPENAI_API_KEY for @ai-sdk/openai).`,
  );
}

/**
 * An error an AI SDK model threw or put in its stream, as this project's catalogue has it: the
 * same codes, retry decisions and `Retry-After` as the built-in backends, so the pool's retries,
 * budgets and the CLI's exit codes treat it alike. Errors it does not know pass through unchanged.
 */
export function mapAiSdkError(error: unknown, target: AiSdkTarget): unknown {
  if (error instanceof RlmError) return error;
  if (APICallError.isInstance(error)) return fromApiCallError(error, target);
  if (LoadAPIKeyError.isInstance(error)) {
    return new RlmError("missing-api-key", `${targetText(target)} has no API key: ${error.message}`, {
      hint: "Pass apiKey when creating the provider, or set the environment variable it names.",
      cause: error,
    });
  }
  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error)) {
    return malformedResponseError(targetText(target), describe(error), error);
  }
  if (!(error instanceof Error) && typeof (error as { message?: unknown } | null)?.message === "string") {
    // A stream's `error` part holding the server's own error object (`{message, type, code}`).
    const reported = error as { message: string };
    return serverReportedError(targetText(target), reported.message, {
      isOverflow: (text) => looksLikeContextOverflow({ message: text, errorType: errorTypeOf({ error }) }),
    });
  }
  if (connectionCut(error)) return streamInterruptedError(targetText(target), error);
  return error;
}
