import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";
import { linkedController } from "./linked-signal.js";

/**
 * Set on the options the pool passes down: aborts the call's own signal. The per-attempt timeout
 * (withTimeout) aborts through it instead of making a controller of its own: in Node 20 making an
 * AbortSignal costs tens of µs (it changes an EventTarget's prototype), paid for every sub-call.
 */
export const ABORT_CALL = Symbol("rlm.abortCall");

export interface CallAbort {
  [ABORT_CALL]?: (reason: unknown) => void;
}

/** A signal for one call that aborts when the pool closes or the caller aborts; `release` unhooks it. */
function callSignal(poolSignal: AbortSignal, caller: AbortSignal | undefined) {
  // Always a signal of the call's own, even without a caller's: the inner wrappers (queue, timeout,
  // HTTP) listen on it, and listeners on the pool's signal, shared by every queued call, cost O(n) each.
  const { controller, release } = linkedController(
    caller === undefined ? [poolSignal] : [caller, poolSignal],
  );
  return {
    signal: controller.signal,
    release,
    abort: (reason: unknown) => controller.abort(reason),
  };
}

function callOptions(options: ChatOptions | undefined, call: ReturnType<typeof callSignal>): ChatOptions {
  const inner: ChatOptions & CallAbort = { ...options, signal: call.signal, [ABORT_CALL]: call.abort };
  return inner;
}

/**
 * Links the pool's own signal into every call, so closing the pool cancels what is still running
 * or queued. Each call gets its own signal, unhooked when the call ends, so the pool's and the
 * caller's signals never collect listeners from finished calls.
 */
export function withPoolSignal(model: LanguageModel, poolSignal: AbortSignal): LanguageModel {
  return {
    spec: model.spec,
    async info(options) {
      const call = callSignal(poolSignal, options?.signal);
      try {
        return await model.info({ ...options, signal: call.signal });
      } finally {
        call.release();
      }
    },
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const call = callSignal(poolSignal, options?.signal);
      try {
        return await model.chat(messages, callOptions(options, call));
      } finally {
        call.release();
      }
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const call = callSignal(poolSignal, options?.signal);
      try {
        yield* model.stream(messages, callOptions(options, call));
      } finally {
        call.release();
      }
    },
  };
}
