/**
 * Names the model calls of one RLM (node) for the run's record (see replay/run-record.ts): the same
 * name in every run of the same code, whatever the timing. The root's names have no prefix; a
 * child's are prefixed with the site of the sub-call that started it and a colon (`s4:2` is turn 2
 * of the child that the root's 4th sub-call started).
 *
 * Sub-calls are numbered in the order the code makes them, counted when the host receives the
 * call, before any await: Python runs one statement at a time, and a batch sends its prompts in list
 * order, so concurrency and reply order do not change the numbers.
 */
export class CallSites {
  private subCalls = 0;
  private compactions = 0;

  constructor(readonly prefix: string) {}

  /** The root model's reply of turn `iteration`. */
  turn(iteration: number): string {
    return `${this.prefix}${iteration}`;
  }

  /**
   * The call for a best answer after a limit, made as turn `iteration`: named by its turn too, so a
   * run resumed with a raised limit does not take the old best answer for its new last call.
   */
  final(iteration: number): string {
    return `${this.prefix}final${iteration}`;
  }

  /** The next summary of older turns. */
  compaction(): string {
    return `${this.prefix}c${++this.compactions}`;
  }

  /** The next sub-call (`llm_query` or `rlm_query`, one per prompt of a batch). */
  subCall(): string {
    return `${this.prefix}s${++this.subCalls}`;
  }

  /** The prefix of the sites of the child RLM that sub-call `site` started. */
  static child(site: string): string {
    return `${site}:`;
  }
}
