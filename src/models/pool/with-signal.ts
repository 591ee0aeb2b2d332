import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";

/** A signal for one call that aborts when the pool closes or the caller aborts; `release` unhooks it. */
function callSignal(poolSignal: AbortSignal, caller: AbortSignal | undefined) {
  // Without a caller's signal the pool's own will do: the inner wrappers unhook their listeners when
  // each call ends. (AbortControllers are not free: Node makes each signal transferable.)
  if (caller === undefined) return { signal: poolSignal, release: () => undefined };
  const controller = new AbortController();
  const sources = [caller, poolSignal];
  const aborted = sources.find((source) => source.aborted);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  const forwards = sources.map((source) => {
    const forward = (): void => controller.abort(source.reason);
    source.addEventListener("abort", forward, { once: true });
    return () => source.removeEventListener("abort", forward);
  });
  const release = (): void => {
    for (const remove of forwards) remove();
  };
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
