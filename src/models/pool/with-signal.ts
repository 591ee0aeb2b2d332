import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";
import { linkedController } from "./linked-signal.js";

/** A signal for one call that aborts when the pool closes or the caller aborts; `release` unhooks it. */
function callSignal(poolSignal: AbortSignal, caller: AbortSignal | undefined) {
  // Always a signal of the call's own, even without a caller's: the inner wrappers (queue, timeout,
  // HTTP) listen on it, and listeners on the pool's signal, shared by every queued call, cost O(n) each.
  const { controller, release } = linkedController(
    caller === undefined ? [poolSignal] : [caller, poolSignal],
  );
  return { signal: controller.signal, release };
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
        return await model.chat(messages, { ...options, signal: call.signal });
      } finally {
        call.release();
      }
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const call = callSignal(poolSignal, options?.signal);
      try {
        yield* model.stream(messages, { ...options, signal: call.signal });
      } finally {
        call.release();
      }
    },
  };
}
