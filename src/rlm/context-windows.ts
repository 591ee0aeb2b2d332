/**
 * The context windows of the models an RLM uses, read once per RLM (not once per completion) and
 * kept by model spec. A backend that cannot tell gets a default, with a warning in the run's trace.
 */

import type { LanguageModel } from "../models/types.js";
import type { Run } from "./run.js";

/** Used when a backend cannot tell its window (and said so with a warning). */
const FALLBACK_CONTEXT_WINDOW = 8192;

export class ContextWindows {
  /**
   * By spec, the answer or the question in flight: a root and a sub-model of the same spec, asked
   * at once, share one question (and one warning when it fails).
   */
  private readonly known = new Map<string, Promise<number>>();

  /**
   * `model`'s window in tokens, asked under `run`'s budget, and kept in the run's record: a replay
   * or resume reads it from there (no server is asked, and prompts are sized as they were).
   */
  async of(run: Run, model: LanguageModel, depth: number): Promise<number> {
    const window = run.record?.window(model.spec) ?? (await this.ask(run, model, depth));
    run.record?.keepWindow(model.spec, window);
    return window;
  }

  private ask(run: Run, model: LanguageModel, depth: number): Promise<number> {
    const known = this.known.get(model.spec);
    if (known !== undefined) return known;
    const asking: Promise<number> = Promise.resolve()
      .then(() => model.info({ signal: run.budget.signal }))
      .then(
        (info) => info.contextWindow,
        (error: unknown) => {
          // Not kept: a later run asks again (the backend may be up by then).
          if (this.known.get(model.spec) === asking) this.known.delete(model.spec);
          const reason = error instanceof Error ? error.message : String(error);
          run.emit({
            type: "warning",
            depth,
            message: `Could not read the context window of ${model.spec} (${reason}); assuming ${FALLBACK_CONTEXT_WINDOW} tokens.`,
          });
          return FALLBACK_CONTEXT_WINDOW;
        },
      );
    this.known.set(model.spec, asking);
    return asking;
  }
}
