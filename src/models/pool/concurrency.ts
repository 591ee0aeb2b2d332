import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";

/**
 * A counting semaphore whose waits can be abandoned: a waiter whose signal aborts leaves the queue
 * at once. A free slot is taken without a listener or a queue (p-limit, used before, went through
 * its queue and an abort listener on every call, and could not drop a queued task): the pool's
 * dispatcher routes calls only to endpoints with a free slot, so the fast path is the usual one.
 */
export class Slots {
  private active = 0;
  /** Waiters in arrival order (a Set keeps insertion order and drops an aborted one in O(1)). */
  private readonly waiting = new Set<() => void>();

  constructor(readonly size: number) {}

  /** Resolves with the function that gives the slot back (calling it twice is harmless). */
  acquire(signal: AbortSignal | undefined): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.delete(grant);
        reject(signal?.reason);
      };
      const grant = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve(this.releaser());
      };
      this.waiting.add(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.values().next();
      if (!next.done) {
        this.waiting.delete(next.value);
        next.value();
      }
    };
  }
}

/** At most `slots.size` calls in flight; the slots are shared by every model on the same endpoint. */
export function withConcurrencyLimit(model: LanguageModel, slots: Slots): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const release = await slots.acquire(options?.signal);
      try {
        return await model.chat(messages, options);
      } finally {
        release();
      }
    },
    // The slot is held while the stream is consumed.
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const release = await slots.acquire(options?.signal);
      try {
        yield* model.stream(messages, options);
      } finally {
        release();
      }
    },
  };
}
