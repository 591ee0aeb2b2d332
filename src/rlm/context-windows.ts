/**
 * The context windows of the models an RLM uses, read once per RLM (not once per completion) and
 * kept by model spec. A backend that cannot tell gets a default, with a warning in the run's trace.
 */

import type { LanguageModel } from "../models/types.js";
import type { Run } from "./run.js";

/** Used when a backend cannot tell its window (and said so with a warning). */
const FALLBACK_CONTEXT_WINDOW = 8192;

export class ContextWindows {
  private readonly known = new Map<string, number>();

  /**
   * `model`'s window in tokens, asked under `run`'s budget, and kept in the run's record: a replay
   * or resume reads it from there (no server is asked, and prompts are sized as they were).
   */
  async of(run: Run, model: LanguageModel, depth: number): Promise<number> {
    const window = run.record?.window(model.spec) ?? (await this.ask(run, model, depth));
    run.record?.keepWindow(model.spec, window);
    return window;
  }

  private async ask(run: Run, model: LanguageModel, depth: number): Promise<number> {
    const known = this.known.get(model.spec);
    if (known !== undefined) return known;
    try {
      const info = await model.info({ signal: run.budget.signal });
      this.known.set(model.spec, info.contextWindow);
      return info.contextWindow;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      run.emit({
        type: "warning",
        depth,
        message: `Could not read the context window of ${model.spec} (${reason}); assuming ${FALLBACK_CONTEXT_WINDOW} tokens.`,
      });
      return FALLBACK_CONTEXT_WINDOW;
    }
  }
}
