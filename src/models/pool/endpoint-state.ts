import { Slots } from "./concurrency.js";

/**
 * What the pool knows about one backend endpoint (a server URL, or one in-process model): its
 * concurrency limit, the calls routed to it right now, and whether it is failing. Shared by every
 * pooled model that talks to the same endpoint.
 *
 * Health works like a circuit breaker: a retryable failure takes the endpoint out until its backoff
 * delay has passed; then a single probe call may go through, and its answer puts the endpoint back
 * (success) or out again for longer (failure).
 */
export class EndpointState {
  readonly key: string;
  readonly concurrency: number;
  /** Enforces the cap; the dispatcher only routes to endpoints with a free slot, so it rarely queues. */
  readonly slots: Slots;
  /** Calls routed here and not finished. */
  load = 0;
  /** Retryable failures in a row; 0 means healthy. */
  failures = 0;
  /** Epoch ms until which the endpoint is out. */
  downUntil = 0;
  private readonly listeners = new Set<() => void>();

  constructor(key: string, concurrency: number) {
    this.key = key;
    this.concurrency = concurrency;
    this.slots = new Slots(concurrency);
  }

  /** Has a free slot and is healthy, or cooled down with nothing on it (the next call is the probe). */
  isAvailable(now: number): boolean {
    if (this.failures === 0) return this.load < this.concurrency;
    return this.downUntil <= now && this.load === 0;
  }

  begin(): void {
    this.load++;
  }

  end(): void {
    this.load--;
    this.notify();
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.downUntil = 0;
    this.notify();
  }

  failed(delayMs: number, now = Date.now()): void {
    this.failures++;
    this.downUntil = Math.max(this.downUntil, now + delayMs);
  }

  /** Calls `listener` on every change that may free a slot; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
