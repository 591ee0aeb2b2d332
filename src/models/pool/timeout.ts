import { ModelCallError } from "../errors.js";
import { linkedAbortController } from "../http/abort.js";
import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";
import { ABORT_CALL, type CallAbort } from "./with-signal.js";

export function timeoutError(spec: string, timeoutMs: number): ModelCallError {
  return new ModelCallError("timeout", `The call to ${spec} did not finish within ${timeoutMs} ms.`, {
    hint: "Raise timeoutMs (per call or on the pool), ask for fewer tokens, or check that the server is not overloaded.",
  });
}

/**
 * Starts the per-attempt timer: when it fires, it aborts with a typed timeout error the call's own
 * signal (through the pool's ABORT_CALL: a timeout ends the call, it is never retried), or else a
 * controller linked to the caller's signal.
 */
function startTimer(spec: string, options: (ChatOptions & CallAbort) | undefined, defaultTimeoutMs: number) {
  const timeoutMs = options?.timeoutMs ?? defaultTimeoutMs;
  const target = abortTarget(options);
  // Made only when the timer fires: an Error captures a stack, too costly to build for every call.
  let fired: ModelCallError | undefined;
  const timer = setTimeout(() => {
    fired = timeoutError(spec, timeoutMs);
    target.abort(fired);
  }, timeoutMs);
  return {
    signal: target.signal,
    /** The typed timeout when our timer (not the caller) ended the call; else what the backend threw. */
    translate: (thrown: unknown): unknown =>
      fired !== undefined && target.signal.reason === fired ? fired : thrown,
    stop: (): void => {
      clearTimeout(timer);
      target.release();
    },
  };
}

function abortTarget(options: (ChatOptions & CallAbort) | undefined) {
  const abortCall = options?.[ABORT_CALL];
  if (abortCall !== undefined && options?.signal !== undefined)
    return { signal: options.signal, abort: abortCall, release: () => undefined };
  const { controller, release } = linkedAbortController(options?.signal);
  return { signal: controller.signal, abort: (reason: unknown) => controller.abort(reason), release };
}

/**
 * Per-call timeout (`options.timeoutMs`, else the pool's default). The pool applies it inside the
 * concurrency limit, so time spent waiting for a free slot does not count: the timer measures the
 * server. A timeout is not retryable: a server that is too slow once is likely too slow again.
 */
export function withTimeout(model: LanguageModel, defaultTimeoutMs: number): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const timer = startTimer(model.spec, options, defaultTimeoutMs);
      try {
        return await model.chat(messages, { ...options, signal: timer.signal });
      } catch (error) {
        throw timer.translate(error);
      } finally {
        timer.stop();
      }
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const timer = startTimer(model.spec, options, defaultTimeoutMs);
      try {
        yield* model.stream(messages, { ...options, signal: timer.signal });
      } catch (error) {
        throw timer.translate(error);
      } finally {
        timer.stop();
      }
    },
  };
}
