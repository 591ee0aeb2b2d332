/**
 * `RLM`: the public entry point. `completion(context, query)` answers one query over a context of
 * any length; `session()` keeps the REPL and the conversation across queries.
 */

import { checkLimits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import type { ContextInput } from "../sandbox/types.js";
import { BackgroundWork } from "./background-work.js";
import { startChild } from "./child.js";
import { createSlot, type SandboxSlot } from "./node.js";
import { RlmSession, type SessionShared } from "./session.js";
import type { CompletionOptions, CompletionResult, RLMOptions } from "./types.js";

export class RLM {
  readonly options: RLMOptions;
  /** A sandbox started ahead of the next completion (see `warm`). */
  private spare: Promise<SandboxSlot> | undefined;
  /** Context windows read so far, by model spec: asked once per RLM, not once per completion. */
  private readonly windows = new Map<string, number>();
  /** Finished completions still closing their sandbox and pool. */
  private readonly closing = new BackgroundWork();

  constructor(options: RLMOptions) {
    checkOptions(options);
    this.options = options;
  }

  /** Answers `query` over `context`: loads it into a fresh sandbox, runs the loop, closes everything. */
  async completion(
    context: ContextInput,
    query: string,
    options: CompletionOptions = {},
  ): Promise<CompletionResult> {
    const session = new RlmSession(this.options, false, this.shared());
    try {
      return await session.completion(context, query, options);
    } finally {
      // Closing (ending Python) runs after the result is returned; `close()` waits for it.
      this.closing.add(session.close());
    }
  }

  /** A conversation: one sandbox and one root conversation for several queries. Close it when done. */
  session(): RlmSession {
    return new RlmSession(this.options, true, this.shared());
  }

  /**
   * Starts a sandbox now, so the next completion does not wait for Python to start (about a second
   * cold). With `keepWarm`, each completion also starts the one after it. Call `close()` when done:
   * a warm sandbox is a live process or worker.
   */
  async warm(): Promise<void> {
    if (this.spare === undefined) {
      // A finished completion's sandbox may still be closing, and closing is what boots the spare
      // worker this one should take: without the wait, this boots a fresh one and the spare then
      // boots beside the next completion.
      await this.closing.settled();
      this.spare ??= createSlot(this.options, 0, startChild);
    }
    await this.spare;
  }

  /**
   * Closes the warm sandbox, if any, and waits until the sandboxes of finished completions are
   * closed. The RLM can still be used afterwards (it starts sandboxes as needed).
   */
  async close(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    const slot = await spare?.catch(() => undefined);
    await slot?.sandbox.close();
    await this.closing.settled();
  }

  private shared(): SessionShared {
    return { spare: this.takeSpare(), windows: this.windows };
  }

  private takeSpare(): Promise<SandboxSlot> | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (this.options.keepWarm) {
      this.spare = createSlot(this.options, 0, startChild);
      // A failed start shows when the spare is used (a fresh sandbox is tried then); never unhandled.
      this.spare.catch(() => undefined);
    }
    return spare;
  }
}

function checkOptions(options: RLMOptions): void {
  if (!options || (typeof options.model !== "string" && typeof options.model?.chat !== "function")) {
    throw new RlmError("invalid-config", "RLM needs a root model.", {
      hint: 'Pass `model`, e.g. new RLM({ model: "ollama:qwen3:4b" }).',
    });
  }
  const depth = options.maxDepth ?? 1;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RlmError("invalid-config", `maxDepth must be a whole number >= 1, got ${depth}.`, {
      hint: "Use 1 for plain sub-calls, 2 or more to let rlm_query start child RLMs.",
    });
  }
  checkLimits(options.limits);
}
