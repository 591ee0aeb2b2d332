import type { LimitFunction } from "p-limit";
import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";

/**
 * Waits for a slot of `limit` and resolves with the function that gives it back. The slot is held
 * until released, so a stream keeps it while it is consumed. An abort while waiting rejects at
 * once (p-limit cannot drop a queued task, so when the slot later comes, it is handed straight back).
 */
export function acquireSlot(limit: LimitFunction, signal: AbortSignal | undefined): Promise<() => void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    void limit(
      () =>
        new Promise<void>((release) => {
          signal?.removeEventListener("abort", onAbort);
          if (settled) return release();
          settled = true;
          resolve(release);
        }),
    );
  });
}

/** At most `limit.concurrency` calls in flight; the limit is shared by every model on the same endpoint. */
export function withConcurrencyLimit(model: LanguageModel, limit: LimitFunction): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const release = await acquireSlot(limit, options?.signal);
      try {
        return await model.chat(messages, options);
      } finally {
        release();
      }
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const release = await acquireSlot(limit, options?.signal);
      try {
        yield* model.stream(messages, options);
      } finally {
        release();
      }
    },
  };
}
