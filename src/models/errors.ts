import { RlmError, type RlmErrorOptions } from "../errors/index.js";

/**
 * Model errors that every backend raises the same way, so the pool, the RLM loop and the CLI can
 * act on the code alone. Each one says what to do in its hint.
 */

/** The catalogue codes a model call fails with. */
export type ModelCallCode =
  | "backend-unreachable"
  | "connection-error"
  | "stream-interrupted"
  | "malformed-response"
  | "server-error"
  | "rate-limited"
  | "quota-exceeded"
  | "authentication-failed"
  | "model-not-found"
  | "not-found"
  | "bad-request"
  | "context-overflow"
  | "timeout";

export interface ModelCallErrorOptions extends RlmErrorOptions {
  /** The HTTP status the backend answered, when it answered one. */
  status?: number;
  /** The URL called, when the call went over HTTP. */
  url?: string;
}

/**
 * A failed model call, with what a caller acts on as fields rather than in the message: the HTTP
 * `status` and `url` when there were any, `isRetryable` and `retryAfterSeconds` (from RlmError).
 */
export class ModelCallError extends RlmError {
  declare readonly code: ModelCallCode;
  readonly status: number | undefined;
  readonly url: string | undefined;

  constructor(code: ModelCallCode, message: string, options: ModelCallErrorOptions = {}) {
    super(code, message, options);
    this.name = "ModelCallError";
    this.status = options.status;
    this.url = options.url;
  }

  /** The same failure, told again with another message and hint (a wrapper that adds what it knows). */
  reworded(message: string, hint: string | undefined): ModelCallError {
    return new ModelCallError(this.code, message, {
      hint,
      isRetryable: this.isRetryable,
      retryAfterSeconds: this.retryAfterSeconds,
      status: this.status,
      url: this.url,
      cause: this,
    });
  }
}

/** The prompt does not fit the model's context window; never silently truncated. */
export class ContextOverflowError extends ModelCallError {
  /** Prompt size in tokens, when known (counted by the server or estimated before sending). */
  readonly promptTokens: number | undefined;
  /** The window the prompt had to fit, when known. */
  readonly contextWindow: number | undefined;

  constructor(
    message: string,
    details: {
      promptTokens?: number;
      contextWindow?: number;
      hint?: string;
      cause?: unknown;
      status?: number;
      url?: string;
    } = {},
  ) {
    super("context-overflow", message, {
      hint:
        details.hint ??
        "Send a shorter prompt: split the text into smaller pieces, or use a model with a larger context window.",
      cause: details.cause,
      status: details.status,
      url: details.url,
    });
    this.name = "ContextOverflowError";
    this.promptTokens = details.promptTokens;
    this.contextWindow = details.contextWindow;
  }
}

export function missingApiKeyError(provider: string, environmentVariable: string): RlmError {
  return new RlmError(
    "missing-api-key",
    `${provider} needs an API key and ${environmentVariable} is not set.`,
    {
      hint: `Set ${environmentVariable} (export ${environmentVariable}=...) or pass apiKey in the model config.`,
    },
  );
}

export function modelNotFoundError(
  provider: string,
  model: string,
  hint: string,
  failure?: { status: number; url: string },
): ModelCallError {
  return new ModelCallError("model-not-found", `${provider} does not have the model "${model}".`, {
    hint,
    cause: failure,
    status: failure?.status,
    url: failure?.url,
  });
}

/** The server ended the stream or the body before the reply was complete; repeating may work. */
export function streamInterruptedError(url: string, cause?: unknown): ModelCallError {
  return new ModelCallError(
    "stream-interrupted",
    `The connection to ${url} closed before the reply was complete.`,
    {
      hint: "The server dropped the connection mid-reply; the call can be repeated.",
      isRetryable: true,
      cause,
      url,
    },
  );
}

/** The reply was not what the protocol promises (bad JSON, missing fields). */
export function malformedResponseError(url: string, detail: string, cause?: unknown): ModelCallError {
  return new ModelCallError("malformed-response", `The reply from ${url} is malformed: ${detail}`, {
    hint: "Check that the URL points at a server that speaks this protocol; a garbled reply may also be transient.",
    isRetryable: true,
    cause,
    url,
  });
}

/**
 * A failure the server reported inside a reply that had already started (an `error` field in a
 * stream line or event): an overflow if its words say so, else a server failure worth repeating
 * unless `retryable` says otherwise.
 */
export function serverReportedError(
  provider: string,
  message: string,
  options: { retryable?: boolean; isOverflow: (message: string) => boolean },
): ModelCallError {
  if (options.isOverflow(message)) {
    return new ContextOverflowError(
      `The prompt is too long for the model: ${provider} said "${message}".`,
      overflowSizes(message),
    );
  }
  const retryable = options.retryable ?? true;
  return new ModelCallError(
    retryable ? "server-error" : "bad-request",
    `${provider} failed mid-reply: ${message}`,
    {
      hint: retryable
        ? "A failure on the server's side; the call can be repeated."
        : "The request was refused; check the model and options.",
      isRetryable: retryable,
    },
  );
}

/**
 * The sizes a server put in its overflow message, when it did: OpenAI and vLLM ("maximum context
 * length is 4096 tokens ... resulted in 5000 tokens"), Anthropic ("prompt is too long: 210000
 * tokens > 200000 maximum"), llama.cpp server (`n_prompt_tokens` and `n_ctx` in its error JSON).
 */
export function overflowSizes(message: string, body = ""): { promptTokens?: number; contextWindow?: number } {
  const number = (pattern: RegExp, text: string): number | undefined => {
    const found = pattern.exec(text)?.[1];
    return found === undefined ? undefined : Number(found);
  };
  const anthropic = /prompt is too long: (\d+) tokens > (\d+)/.exec(message);
  if (anthropic) return { promptTokens: Number(anthropic[1]), contextWindow: Number(anthropic[2]) };
  const promptTokens =
    number(/resulted in (\d+) tokens/, message) ??
    number(/requested (\d+) tokens/, message) ??
    number(/"n_prompt_tokens"\s*:\s*(\d+)/, body);
  const contextWindow =
    number(/maximum context length is (\d+)/, message) ?? number(/"n_ctx"\s*:\s*(\d+)/, body);
  return {
    ...(promptTokens === undefined ? {} : { promptTokens }),
    ...(contextWindow === undefined ? {} : { contextWindow }),
  };
}
