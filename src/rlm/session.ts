/**
 * A conversation with one RLM: the sandbox and the root conversation are kept across queries, so
 * variables, earlier contexts (`context_0`, `context_1`, ...) and `history` (earlier query/answer
 * pairs) stay available; `context` is always the newest context. A one-shot `completion` is a
 * session of one query. Each query has its own budget, trajectory lines and result.
 */

import { Budget, resolveLimits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import { createModelPool } from "../models/pool/index.js";
import type { ChatMessage, ModelPool } from "../models/types.js";
import type { ContextInput } from "../sandbox/types.js";
import { createTraceSink } from "../trace/index.js";
import { BackgroundWork } from "./background-work.js";
import { startChild } from "./child.js";
import { runLoop } from "./loop.js";
import { contextWindowOf, openNode, type SandboxSlot } from "./node.js";
import { firstMessage, subCallCapacity, systemPrompt } from "./prompts.js";
import { describeError } from "./query-handler.js";
import { finishRun, metadataLine, newRunId, tracePathFor } from "./run-records.js";
import { SessionContexts } from "./session-contexts.js";
import type { Tree, TreeNode } from "./tree.js";
import type { CompletionOptions, CompletionResult, RLMOptions } from "./types.js";

export interface HistoryEntry {
  query: string;
  answer: string;
}

/** What an RLM hands its sessions: a warm sandbox, and the context windows it already knows. */
export interface SessionShared {
  spare?: Promise<SandboxSlot> | undefined;
  windows?: Map<string, number>;
}

export class RlmSession {
  readonly history: HistoryEntry[] = [];
  private readonly options: RLMOptions;
  private readonly isSession: boolean;
  private pool: ModelPool | undefined;
  private node: TreeNode | undefined;
  /** A sandbox started ahead of need by `RLM.warm()`, used for the first query. */
  private spare: Promise<SandboxSlot> | undefined;
  private readonly windows: Map<string, number>;
  /** Work left running after a query (children's sandboxes closing), awaited by `close()`. */
  private readonly deferred = new BackgroundWork();
  private readonly conversation: ChatMessage[] = [];
  private readonly contexts: SessionContexts;
  private tracePath: string | undefined;
  /** Characters one sub-call may take, from the sub-model's window (read once per session). */
  private subCallCapacity = 0;
  private busy = false;
  private closed = false;

  constructor(options: RLMOptions, isSession: boolean, shared: SessionShared = {}) {
    this.options = options;
    this.isSession = isSession;
    this.contexts = new SessionContexts(isSession);
    this.spare = shared.spare;
    this.windows = shared.windows ?? new Map();
  }

  /** Answers `query`; `context` is loaded as the new `context` (undefined: keep the current one). */
  async completion(
    context: ContextInput | undefined,
    query: string,
    completionOptions: CompletionOptions = {},
  ): Promise<CompletionResult> {
    this.checkUsable(query);
    this.busy = true;
    const options = this.options;
    const limits = resolveLimits(options.limits);
    this.pool ??= (options.createPool ?? createModelPool)({
      ...options.pool,
      concurrency: options.concurrency,
    });
    const pool = this.pool;
    const runId = newRunId();
    this.tracePath ??= tracePathFor(options.trace, runId);
    const budget = new Budget({ limits, usage: () => pool.usage(), signal: completionOptions.signal });
    const sink = createTraceSink({
      path: this.tracePath,
      append: this.history.length > 0,
      onEvent: options.onEvent,
    });
    let subCallId = 0;
    const tree: Tree = {
      runId,
      options,
      limits,
      pool,
      budget,
      sink,
      callerSignal: completionOptions.signal,
      subCallChars: 0,
      subModel: options.subModel ?? options.model,
      nextSubCallId: () => ++subCallId,
      windows: this.windows,
      defer: (work) => this.deferred.add(work),
      emit: (event) => sink.event(event),
    };
    try {
      const node = await this.rootNode(tree);
      const description = await this.contexts.load(node, context, budget.signal);
      await this.contexts.setHistory(node, this.history);
      node.onRestart = () => this.contexts.setHistory(node, this.history);
      if (this.conversation.length === 0) {
        this.conversation.push({ role: "system", content: this.systemPrompt(tree) });
      }
      const queryStart = this.conversation.length;
      this.conversation.push({
        role: "user",
        content: firstMessage(query, description, tree.subCallChars, limits.maxIterations),
      });
      sink.line(metadataLine(tree, runId, query, description));
      sink.event({ type: "run-start", runId, depth: 0, query });
      const outcome = await runLoop(tree, node, this.conversation, queryStart);
      this.history.push({ query, answer: outcome.answer });
      return finishRun(tree, outcome);
    } catch (error) {
      // Setup (sandbox, context) was cut short by a limit or the caller: a result, not a throw.
      const reason = budget.stopReason;
      if (reason === undefined) throw error;
      return finishRun(tree, {
        answer: "",
        stopReason: reason,
        iterations: 0,
        records: [],
        error: describeError(error),
      });
    } finally {
      budget.dispose();
      await sink.close();
      this.busy = false;
    }
  }

  /** Closes the sandbox and the pool (cancelling anything still running). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const spare = await this.spare?.catch(() => undefined);
    await spare?.sandbox.close();
    await this.node?.sandbox.close();
    await this.deferred.settled();
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

  private async rootNode(tree: Tree): Promise<TreeNode> {
    if (this.node) {
      this.node.signal = tree.budget.signal;
      this.node.slot.tree = tree;
    } else {
      const subModel = tree.pool.get(tree.subModel);
      // A spare that failed to start is not fatal: a fresh sandbox is tried (and reports its own error).
      const spare = await this.spare?.catch(() => undefined);
      this.spare = undefined;
      const [subWindow, node] = await Promise.all([
        contextWindowOf(tree, subModel, 0),
        openNode(tree, 0, this.options.model, tree.budget.signal, startChild, spare),
      ]);
      this.node = node;
      this.subCallCapacity = subCallCapacity(subWindow);
    }
    tree.subCallChars = this.subCallCapacity;
    return this.node;
  }

  private systemPrompt(tree: Tree): string {
    return systemPrompt({
      subCallChars: tree.subCallChars,
      recursive: (this.options.maxDepth ?? 1) > 1,
      tools: this.options.tools ?? {},
      instructions: this.options.instructions,
      session: this.isSession,
    });
  }
}
