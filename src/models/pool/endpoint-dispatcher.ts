import type { LanguageModel } from "../types.js";
import type { EndpointState } from "./endpoint-state.js";

/** One endpoint of a pooled model: where calls go, and the shared state used to choose it. */
export interface PoolEndpoint {
  state: EndpointState;
  model: LanguageModel;
}

interface Waiter {
  resolve(endpoint: PoolEndpoint): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort(): void;
}

/**
 * Routes the calls of one pooled model to its endpoints. A call goes, in arrival order, to the
 * available endpoint with the fewest calls in flight, at the moment a slot is free there, so a
 * faster server takes more calls. When no endpoint has a free slot (or all are out after
 * failures) calls wait here, cancellably, until one does or a cooled-down endpoint can be probed.
 */
export class EndpointDispatcher {
  readonly endpoints: readonly PoolEndpoint[];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  private readonly clock: () => number;

  /** `clock` (epoch ms) is injectable so a test can make time pass between two readings. */
  constructor(endpoints: PoolEndpoint[], clock: () => number = Date.now) {
    this.endpoints = endpoints;
    this.clock = clock;
    // The states are shared by every model on an endpoint; each dispatcher listens for as long as the pool lives.
    for (const endpoint of endpoints) endpoint.state.subscribe(() => this.drain());
  }

  /** Resolves with an endpoint the call is now counted on; the caller must `state.end()` it. */
  acquire(signal: AbortSignal | undefined): Promise<PoolEndpoint> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiters.length === 0) {
      const chosen = this.choose(this.clock());
      if (chosen !== undefined) {
        chosen.state.begin();
        return Promise.resolve(chosen);
      }
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          // Nobody left to wake: a pending timer would only keep the process alive.
          if (this.waiters.length === 0) this.clearWake();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      // Not scheduleWake alone: time has passed since the check above, and the endpoint may have
      // cooled down in between; drain checks and schedules against one and the same clock reading.
      this.drain();
    });
  }

  private choose(now: number): PoolEndpoint | undefined {
    let best: PoolEndpoint | undefined;
    for (const endpoint of this.endpoints) {
      if (!endpoint.state.isAvailable(now)) continue;
      if (best === undefined || endpoint.state.load < best.state.load) best = endpoint;
    }
    return best;
  }

  private drain(): void {
    const now = this.clock();
    while (this.waiters.length > 0) {
      const chosen = this.choose(now);
      if (chosen === undefined) break;
      const waiter = this.waiters.shift()!;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      chosen.state.begin();
      waiter.resolve(chosen);
    }
    this.scheduleWake(now);
  }

  /**
   * Waiting calls with every endpoint out: wake when the first one has cooled down. `now` must be
   * the reading `choose` just used; endpoints busy rather than out wake the queue through `end()`.
   */
  private scheduleWake(now: number): void {
    if (this.waiters.length === 0) return;
    const downs = this.endpoints.map((endpoint) => endpoint.state.downUntil).filter((until) => until > now);
    if (downs.length === 0) return;
    const wakeAt = Math.min(...downs);
    if (this.timer !== undefined && this.timerAt <= wakeAt) return;
    this.clearWake();
    this.timerAt = wakeAt;
    this.timer = setTimeout(() => {
      this.clearWake();
      this.drain();
    }, wakeAt - now);
  }

  private clearWake(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
