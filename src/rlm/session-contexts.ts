/**
 * The contexts of a session's REPL. Each query's context is loaded as `context`, so that
 * `context` is always the newest (the model's first reach is for `context`, and it should find what
 * the query is about); in a session it is also loaded as `context_0`, `context_1`, ... so earlier
 * ones stay reachable, and `history_0`, `history_1`, ... hold the earlier queries as message dicts
 * (`history` is the newest). The contexts are loads the sandbox knows about, so a restarted sandbox
 * gets them back (the price: a session holds its newest context twice); the history is set again
 * after a restart.
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

  /**
   * Sets `history_0`, `history_1`, ... in the REPL (sessions only), one per earlier query as message
   * dicts (the query, then the answer), and `history` as the newest, as the official rlm does.
   */
  async setHistory(sandbox: Sandbox, history: HistoryEntry[]): Promise<void> {
    if (!this.numbered || history.length === 0) return;
    const lines = history.map(({ query, answer }, index) => {
      const messages = [
        { role: "user", content: query },
        { role: "assistant", content: answer },
      ];
      return `history_${index} = __import__("json").loads(${JSON.stringify(JSON.stringify(messages))})`;
    });
    lines.push(`history = history_${history.length - 1}`);
    await sandbox.exec(lines.join("\n"));
  }
}
