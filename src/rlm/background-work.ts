/**
 * Work left running after the call that started it returned (a finished completion's sandbox
 * closing, a child RLM's sandbox closing after its answer was handed over), kept in view so that a
 * `close()` can wait for it. A failure of such work is not reported: it cannot change a result.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  add(work: Promise<void>): void {
    const settled = work.catch(() => undefined).finally(() => this.running.delete(settled));
    this.running.add(settled);
  }

  /** Resolves once nothing is running, work added while waiting included. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
