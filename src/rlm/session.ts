/**
 * A conversation with one RLM: the sandbox and the root conversation are kept across queries, so
 * variables, earlier contexts (`context_0`, `context_1`, ...) and `history_0`, `history_1`, ...
 * (earlier queries and answers as message dicts; `history` is the newest) stay available; `context` is always the newest context. A one-shot `completion` is a
 * session of one query. Each query has its own budget, trajectory lines and result.
 */

import { RlmError } from "../errors/index.js";
import { createModelPool, type ModelPool } from "../models/pool/index.js";
import type { ChatMessage } from "../models/types.js";
import type { ContextInput } from "../sandbox/types.js";
import { BackgroundWork } from "./background-work.js";
import { describeContextOnHost } from "./context-description.js";
import { openQuery } from "./conversation.js";
import { resumeStart } from "./durable-start.js";
import { runLoop } from "./loop.js";
import type { RlmNode, SeatedSandbox } from "./node.js";
import type { NodeFactory } from "./node-factory.js";
import type { ContextDescription } from "./prompts.js";
import { describeError } from "./query-handler.js";
import { type DurableStart, Run } from "./run.js";
import { RunError } from "./run-error.js";
import { finishRun, metadataLine, newRunId, tracePathFor } from "./run-records.js";
import { seedRandom } from "./seed-random.js";
import { SessionContexts } from "./session-contexts.js";
import type { CompletionOptions, CompletionResult } from "./types.js";

export interface HistoryEntry {
  query: string;
  answer: string;
}

/** Made by `rlm.session()` (and, for one query, by `rlm.completion()`). */
export class RlmSession {
  readonly history: HistoryEntry[] = [];
  private readonly nodes: NodeFactory;
  private readonly isSession: boolean;
  private pool: ModelPool | undefined;
  /** The root RLM of the latest query: the next query runs on its sandbox, model and conversation. */
  private root: RlmNode | undefined;
  /** A sandbox started ahead of need by `RLM.warm()`, used for the first query. */
  private spare: Promise<SeatedSandbox> | undefined;
  /** Work left running after a query (children's sandboxes closing), awaited by `close()`. */
  private readonly background = new BackgroundWork();
  private readonly conversation: ChatMessage[] = [];
  private readonly contexts: SessionContexts;
  private tracePath: string | undefined;
  private busy = false;
  private closed = false;

  constructor(nodes: NodeFactory, isSession: boolean) {
    this.nodes = nodes;
    this.isSession = isSession;
    this.contexts = new SessionContexts(isSession);
    this.spare = nodes.takeSpare();
  }

  /**
   * Answers `query`; `context` is loaded as the new `context` (undefined: keep the current one).
   * `replay`: the recorded run to replay (see replay.ts); a resume comes in `completionOptions`.
   */
  async completion(
    context: ContextInput | undefined,
    query: string,
    completionOptions: CompletionOptions = {},
    replay?: DurableStart,
  ): Promise<CompletionResult> {
    this.checkUsable(query);
    const durable = replay ?? (await this.resumeStart(completionOptions, query, context));
    const run = this.startRun(completionOptions.signal, durable);
    this.busy = true;
    try {
      if (this.root === undefined) run.emit({ type: "run-step", depth: 0, step: "starting the sandbox" });
      const early = await this.openRootEarly(run, context);
      const node = early?.node ?? (await this.rootNode(run));
      let description = early?.description;
      if (description === undefined) {
        if (context !== undefined) run.emit({ type: "run-step", depth: 0, step: "loading the context" });
        description = await this.contexts.load(node.sandbox, context, run.budget.signal);
        await this.contexts.setHistory(node.sandbox, this.history);
        await seedRandom(node);
      }
      const queryStart = openQuery(node, query, description, this.isSession);
      run.start(
        metadataLine(
          run,
          query,
          description,
          { context, inputs: completionOptions.inputs },
          node.conversation,
        ),
      );
      run.emit({ type: "run-start", runId: run.id, depth: 0, query });
      const outcome = await runLoop(node, queryStart);
      this.history.push({ query, answer: outcome.answer });
      const result = finishRun(run, outcome);
      // A failure with no answer rejects (with what the run did); a limit's stop resolves.
      if (result.stopReason === "error") throw new RunError(result);
      return result;
    } catch (error) {
      // Setup (sandbox, context) was cut short by a limit or the caller: a result, not a throw.
      const reason = run.budget.stopReason;
      if (reason === undefined || error instanceof RunError) throw error;
      return finishRun(run, {
        answer: "",
        stopReason: reason,
        iterations: 0,
        records: [],
        error: describeError(error),
      });
    } finally {
      await run.end();
      this.busy = false;
    }
  }

  /** Closes the sandbox and the pool (cancelling anything still running). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const spare = await this.spare?.catch(() => undefined);
    await spare?.sandbox.close();
    await this.root?.sandbox.close();
    await this.background.settled();
    await this.pool?.close();
  }
  private checkUsable(query: string): void {
    if (this.closed) {
      throw new RlmError("session-closed", "This RLM session is closed.", {
        hint: "Start a new one with rlm.session().",
      });
    }
    if (this.busy) {
      throw new RlmError("session-busy", "This RLM session is already answering a query.", {
        hint: "Await the running completion first, or use separate sessions for parallel queries.",
      });
    }
    if (typeof query !== "string" || query.trim() === "") {
      throw new RlmError("invalid-query", "The query is empty.", {
        hint: "Pass the question as a non-empty string.",
      });
    }
  }

  /** A resume's recorded run, checked against this query and context (a session cannot resume). */
  private async resumeStart(
    options: CompletionOptions,
    query: string,
    context: ContextInput | undefined,
  ): Promise<DurableStart | undefined> {
    if (options.resume === undefined) return undefined;
    if (this.isSession) {
      throw new RlmError("resume-mismatch", "A session cannot resume a recorded run.", {
        hint: "Resume with rlm.completion(context, query, { resume: path }).",
      });
    }
    const start = await resumeStart(options.resume, query, context);
    this.tracePath = options.resume;
    return start;
  }

  /**
   * The run of one query: the session's pool and trajectory file, a budget and trace lines of its
   * own. A resumed run appends to the file it resumes, after a `resume` line, under its old id.
   */
  private startRun(signal: AbortSignal | undefined, durable: DurableStart | undefined): Run {
    const options = this.nodes.options;
    this.pool ??= (options.createPool ?? createModelPool)({
      ...options.pool,
      concurrency: options.concurrency,
    });
    const resuming = durable?.mode === "resume";
    const id = resuming ? durable.recorded.metadata.run_id : newRunId();
    this.tracePath ??= tracePathFor(options.trace, id);
    const run = new Run({
      id,
      options,
      pool: this.pool,
      signal,
      tracePath: this.tracePath,
      appendTrace: this.history.length > 0 || resuming,
      background: this.background,
      durable,
    });
    if (resuming) {
      run.sink.line({
        type: "resume",
        resumed_at: new Date().toISOString(),
        calls: durable.recorded.calls.length,
      });
    }
    return run;
  }

  /**
   * The first query's root, when no spare sandbox is ready and the context can be described
   * without Python: its sandbox starts, loads the context and seeds `random` in the background
   * while the loop makes the first model call (which needs no Python), so a cold start costs the
   * model's reply or the sandbox's boot, whichever is longer, not both. The node holds a sandbox
   * whose calls wait for all that (`deferredSandbox`); a failed start fails the first code block.
   */
  private async openRootEarly(
    run: Run,
    context: ContextInput | undefined,
  ): Promise<{ node: RlmNode; description: ContextDescription } | undefined> {
    if (this.root !== undefined || this.spare !== undefined || context === undefined) return undefined;
    const variable = this.isSession ? "context_0" : "context";
    const description = describeContextOnHost(context, variable);
    if (description === undefined) return undefined;
    const early = this.nodes.startDeferred(run.budget.signal, async (sandbox, node) => {
      await this.contexts.load(sandbox, context, run.budget.signal);
      await seedRandom(await node, sandbox);
    });
    const opened = await this.nodes
      .openRoot(run, {
        sandbox: early.sandbox,
        signal: early.signal,
        conversation: this.conversation,
        onRestart: (restarted) => this.contexts.setHistory(restarted, this.history),
      })
      .catch(async (error: unknown) => {
        await early.sandbox.sandbox.close();
        throw error;
      });
    const node = early.seat(opened);
    this.root = node;
    return { node, description };
  }

  private async rootNode(run: Run): Promise<RlmNode> {
    if (this.root) {
      this.root = this.nodes.reopenRoot(this.root, run);
      return this.root;
    }
    // A spare that failed to start is not fatal: a fresh sandbox is tried (and reports its own error).
    const spare = await this.spare?.catch(() => undefined);
    this.spare = undefined;
    this.root = await this.nodes.openRoot(run, {
      sandbox: spare,
      conversation: this.conversation,
      onRestart: (sandbox) => this.contexts.setHistory(sandbox, this.history),
    });
    return this.root;
  }
}
