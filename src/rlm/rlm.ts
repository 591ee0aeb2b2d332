/**
 * `RLM`: the public entry point. `completion(context, query)` answers one query over a context of
 * any length; `session()` keeps the REPL and the conversation across queries. Its `NodeFactory`
 * makes the sandboxes and RLMs of every completion and keeps the warm spare.
 */

import type { ContextInput } from "../sandbox/types.js";
import { BackgroundWork } from "./background-work.js";
import { NodeFactory } from "./node-factory.js";
import { checkOptions } from "./options.js";
import type { SandboxPool } from "./sandbox-pool.js";
import { RlmSession } from "./session.js";
import type { CompletionOptions, CompletionResult, RLMOptions } from "./types.js";

export class RLM {
  readonly options: RLMOptions;
  private readonly nodes: NodeFactory;
  /** Finished completions still closing their sandbox and pool. */
  private readonly closing = new BackgroundWork();

  /**
   * A pool of `size` sandboxes started ahead (each handed out once, then closed), to share among
   * several RLMs made with the same `sandbox` and `tools`: pass it as `sandboxPool`. Their roots and
   * children take from it. `fill()` starts it; close it when done.
   */
  static createSandboxPool(options: Pick<RLMOptions, "sandbox" | "tools">, size: number): SandboxPool {
    return NodeFactory.createPool(options, size);
  }

  constructor(options: RLMOptions) {
    checkOptions(options);
    this.options = options;
    this.nodes = new NodeFactory(options);
  }

  /** Answers `query` over `context`: loads it into a fresh sandbox, runs the loop, closes everything. */
  async completion(
    context: ContextInput,
    query: string,
    options: CompletionOptions = {},
  ): Promise<CompletionResult> {
    const session = new RlmSession(this.nodes, false);
    const left = this.nodes.enterCompletion();
    try {
      return await session.completion(context, query, options);
    } finally {
      // Closing (ending Python) runs after the result is returned; `close()` waits for it.
      this.closing.add(session.close());
      this.closing.add(left());
    }
  }

  /** A conversation: one sandbox and one root conversation for several queries. Close it when done. */
  session(): RlmSession {
    return new RlmSession(this.nodes, true);
  }

  /**
   * Starts a sandbox now, so the next completion does not wait for Python to start (about a second
   * cold). With `keepWarm`, each completion also starts the one after it. Call `close()` when done:
   * a warm sandbox is a live process or worker.
   */
  async warm(): Promise<void> {
    // A finished completion's sandbox may still be closing, and closing is what boots the spare
    // worker this one should take: without the wait, this boots a fresh one and the spare then
    // boots beside the next completion.
    if (!this.nodes.hasSpare) await this.closing.settled();
    await this.nodes.warm();
  }

  /**
   * Closes the warm sandbox, if any, and waits until the sandboxes of finished completions are
   * closed. The RLM can still be used afterwards (it starts sandboxes as needed).
   */
  async close(): Promise<void> {
    await this.nodes.closeSpare();
    await this.nodes.closePool();
    await this.closing.settled();
  }
}
