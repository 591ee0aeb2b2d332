/**
 * A lookup (a model's context window) made once and shared by every concurrent caller. Each
 * caller's signal stops only its own wait, so one cancelled call cannot fail the others; a failed
 * lookup is forgotten so the next caller asks again. The lookup itself gets its own time limit.
 */
export class SharedLookup<T> {
  private pending: Promise<T> | undefined;

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<T>,
    private readonly timeoutMs = 60_000,
  ) {}

  get(signal?: AbortSignal): Promise<T> {
    if (this.pending === undefined) {
      const started = this.load(AbortSignal.timeout(this.timeoutMs));
      this.pending = started;
      started.catch(() => {
        if (this.pending === started) this.pending = undefined;
      });
    }
    return waitWithSignal(this.pending, signal);
  }
}

/** Waits for a promise, or rejects with the signal's reason as soon as it aborts (the work goes on). */
export function waitWithSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
