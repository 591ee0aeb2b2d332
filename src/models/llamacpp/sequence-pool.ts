type Llama = import("./load-library.js").Llama;
type LlamaContext = Awaited<ReturnType<Awaited<ReturnType<Llama["loadModel"]>>["createContext"]>>;
export type LlamaContextSequence = ReturnType<LlamaContext["getSequence"]>;

/**
 * Hands out the sequences of one context to calls, one call per sequence, and makes later calls
 * wait (cancellably) for a free one. A sequence's history is cleared when it comes back, so no
 * call sees another's tokens.
 */
export class SequencePool {
  private readonly free: LlamaContextSequence[] = [];
  private readonly waiting: Array<(sequence: LlamaContextSequence) => void> = [];

  constructor(context: LlamaContext) {
    while (context.sequencesLeft > 0) this.free.push(context.getSequence());
  }

  acquire(signal: AbortSignal | undefined): Promise<LlamaContextSequence> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const sequence = this.free.pop();
    if (sequence !== undefined) return Promise.resolve(sequence);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(give);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      const give = (next: LlamaContextSequence): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(next);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(give);
    });
  }

  async release(sequence: LlamaContextSequence): Promise<void> {
    await sequence.clearHistory();
    const next = this.waiting.shift();
    if (next !== undefined) next(sequence);
    else this.free.push(sequence);
  }
}
