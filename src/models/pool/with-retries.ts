import { isRlmError, RlmError } from "../../errors/index.js";
import { ModelCallError } from "../errors.js";
import { throwIfAborted } from "../http/index.js";
import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel, ModelInfo } from "../types.js";
import { type BackoffOptions, backoffDelayMs, retryDelayMs } from "./backoff.js";
import { EndpointDispatcher, type PoolEndpoint } from "./endpoint-dispatcher.js";

export interface RetryOptions extends BackoffOptions {
  maxRetries: number;
  /** A server asking for a longer wait than this fails the call at once instead of hanging it. */
  maxRetryAfterSeconds: number;
}

/**
 * Decides from the error alone (`isRetryable`, `retryAfterSeconds`) whether to try again and after
 * how long; undefined means give up. Errors that are not RlmErrors are bugs, never retried.
 */
function retryDelay(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  if (!isRlmError(error) || !error.isRetryable || attempt >= options.maxRetries) return undefined;
  if ((error.retryAfterSeconds ?? 0) > options.maxRetryAfterSeconds) return undefined;
  return retryDelayMs(attempt, error, options);
}

function gaveUp(error: unknown, attempts: number): unknown {
  if (!isRlmError(error) || !error.isRetryable || attempts === 1) return error;
  const message = `${error.message} (gave up after ${attempts} attempts)`;
  // A model call's status and url stay fields of the error the caller gets.
  if (error instanceof ModelCallError) return error.reworded(message, error.hint);
  return new RlmError(error.code, message, {
    hint: error.hint,
    isRetryable: true,
    retryAfterSeconds: error.retryAfterSeconds,
    cause: error,
  });
}

function partialStreamError(spec: string, error: unknown): unknown {
  if (!isRlmError(error)) return error;
  const message = `${error.message} The stream from ${spec} broke after part of the reply was sent.`;
  const hint = `${error.hint ?? ""} A partly streamed reply cannot be resumed; repeat the whole call.`.trim();
  if (error instanceof ModelCallError) return error.reworded(message, hint);
  return new RlmError(error.code, message, {
    hint,
    isRetryable: error.isRetryable,
    retryAfterSeconds: error.retryAfterSeconds,
    cause: error,
  });
}

/**
 * Retries with exponential backoff and jitter over one or more endpoints of the same model. Each
 * attempt goes to the least-loaded available endpoint; a retryable failure takes that endpoint
 * out for the backoff delay, so the retry goes to another endpoint at once when there is one and
 * waits out the delay when there is not. Streams are retried only while nothing has been yielded.
 */
export function withRetries(spec: string, endpoints: PoolEndpoint[], options: RetryOptions): LanguageModel {
  const dispatcher = new EndpointDispatcher(endpoints);
  async function fail(endpoint: PoolEndpoint, error: unknown, attempt: number, signal?: AbortSignal) {
    throwIfAborted(signal);
    const delay = retryDelay(error, attempt, options);
    if (isRlmError(error) && error.isRetryable) {
      // An endpoint that keeps failing stays out longer each time (its own backoff), probed less often.
      endpoint.state.failed(Math.max(delay ?? 0, backoffDelayMs(endpoint.state.failures, options)));
    }
    if (delay === undefined) throw gaveUp(error, attempt + 1);
  }

  return {
    spec,
    async chat(messages: ChatMessage[], callOptions?: ChatOptions): Promise<ChatResult> {
      for (let attempt = 0; ; attempt++) {
        const endpoint = await dispatcher.acquire(callOptions?.signal);
        try {
          const result = await endpoint.model.chat(messages, callOptions);
          endpoint.state.succeeded();
          return result;
        } catch (error) {
          await fail(endpoint, error, attempt, callOptions?.signal);
        } finally {
          endpoint.state.end();
        }
      }
    },
    async *stream(messages: ChatMessage[], callOptions?: ChatOptions): AsyncIterable<ChatChunk> {
      for (let attempt = 0; ; attempt++) {
        const endpoint = await dispatcher.acquire(callOptions?.signal);
        let yielded = false;
        try {
          for await (const chunk of endpoint.model.stream(messages, callOptions)) {
            yielded = true;
            yield chunk;
          }
          endpoint.state.succeeded();
          return;
        } catch (error) {
          if (yielded) {
            throwIfAborted(callOptions?.signal);
            if (isRlmError(error) && error.isRetryable) {
              endpoint.state.failed(backoffDelayMs(endpoint.state.failures, options));
            }
            throw partialStreamError(spec, error);
          }
          await fail(endpoint, error, attempt, callOptions?.signal);
        } finally {
          endpoint.state.end();
        }
      }
    },
    async info(infoOptions?: { signal?: AbortSignal }): Promise<ModelInfo> {
      let lastError: unknown;
      for (const endpoint of endpoints) {
        try {
          return { ...(await endpoint.model.info(infoOptions)), spec };
        } catch (error) {
          throwIfAborted(infoOptions?.signal);
          lastError = error;
        }
      }
      throw lastError;
    },
  };
}
