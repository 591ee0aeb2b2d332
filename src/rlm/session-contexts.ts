/**
 * The contexts of a session's REPL. Each query's context is loaded as `context`, so that
 * `context` is always the newest (the model's first reach is for `context`, and it should find what
 * the query is about); in a session it is also loaded as `context_0`, `context_1`, ... so earlier
 * ones stay reachable, and `history` holds the earlier `{query, answer}` pairs. Both are loads the
 * sandbox knows about, so a restarted sandbox gets them back (the price: a session holds its
 * newest context twice); `history` is set again after a restart.
 */

import { RlmError } from "../errors/index.js";
import type { ContextInput, Sandbox } from "../sandbox/types.js";
import { describeContext } from "./context-description.js";
import type { ContextDescription } from "./prompts.js";
import type { HistoryEntry } from "./session.js";

export class SessionContexts {
  private count = 0;
  private latest: ContextDescription | undefined;
  private readonly numbered: boolean;

  /** `numbered`: also bind `context_N` (sessions); a one-shot completion has only `context`. */
  constructor(numbered: boolean) {
    this.numbered = numbered;
  }

  /** Loads `context` (undefined: keep the current one) and describes it for the first message. */
  async load(
    sandbox: Sandbox,
    context: ContextInput | undefined,
    signal: AbortSignal,
  ): Promise<ContextDescription> {
    if (context === undefined) {
      if (this.latest) return this.latest;
      throw new RlmError("missing-context", "The first query of a session needs a context.", {
        hint: "Pass the document (a string, a list of strings or a record of named strings).",
      });
    }
    const variable = this.numbered ? `context_${this.count}` : "context";
    if (this.numbered) await sandbox.load(context, { variable, signal });
    const load = await sandbox.load(context, { variable: "context", signal });
    this.count++;
    this.latest = describeContext(context, load, variable);
    return this.latest;
  }

  /** Sets `history` in the REPL (sessions only). */
  async setHistory(sandbox: Sandbox, history: HistoryEntry[]): Promise<void> {
    if (!this.numbered) return;
    const json = JSON.stringify(history);
    await sandbox.exec(`history = __import__("json").loads(${JSON.stringify(json)})`);
  }
}
