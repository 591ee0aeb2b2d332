/**
 * The per-exec deadline, shared by every runtime. It counts only the time Python itself runs: while
 * at least one host call (`llm_query`, `llm_query_batched`, `rlm_query`, a tool) is in flight it is
 * paused, since a batch of slow sub-model calls is legitimate work that the run's own time limit and
 * the model pool's per-call timeout already bound. Calls may overlap (Python threads), so the clock
 * counts them and resumes only when the last one ends.
 */

/** Said in every timeout message, so the model does not blame (or cut) its queries. */
export const OWN_TIME = "of its own running time (time waiting on llm_query and tools is not counted)";

export class ExecClock {
  /** Settles with "timeout" once Python has run for `timeoutMs` in total; never rejects. */
  readonly expired: Promise<"timeout">;
  private remainingMs: number;
  /** When the clock last resumed; undefined while paused or stopped. */
  private resumedAt: number | undefined;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private fire: () => void = () => {};
  private stopped = false;

  constructor(readonly timeoutMs: number) {
    this.remainingMs = timeoutMs;
    this.expired = new Promise((resolve) => {
      this.fire = () => resolve("timeout");
    });
    this.resume();
  }

  /** Marks one host call as started; the returned function ends it (calling it twice is harmless). */
  hostCallStarted(): () => void {
    if (this.inFlight === 0) this.pause();
    this.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
      if (this.inFlight === 0) this.resume();
    };
  }

  /** Runs `call` with the clock paused for its duration. */
  async whileHostCall<T>(call: () => Promise<T>): Promise<T> {
    const end = this.hostCallStarted();
    try {
      return await call();
    } finally {
      end();
    }
  }

  /** Ends the clock for good (the exec settled): no timer is left behind. */
  stop(): void {
    this.pause();
    this.stopped = true;
  }

  private pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.resumedAt !== undefined) this.remainingMs -= performance.now() - this.resumedAt;
    this.resumedAt = undefined;
  }

  private resume(): void {
    if (this.stopped) return;
    this.resumedAt = performance.now();
    this.timer = setTimeout(
      () => {
        this.stop();
        this.fire();
      },
      Math.max(0, this.remainingMs),
    );
  }
}
