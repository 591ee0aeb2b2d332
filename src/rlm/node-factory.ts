/**
 * Makes the nodes (RLMs) of an `RLM`'s runs and the sandboxes they work in: the root of each
 * completion or session, the child RLMs that `rlm_query` starts, and a spare sandbox started ahead
 * of the next completion (`RLM.warm()`, `keepWarm`). Each sandbox it starts has its `llm_query` /
 * `rlm_query` calls served for the node in its seat, by a query handler that starts children here.
 */

import type { ModelRef } from "../models/model-ref.js";
import type { ChatMessage } from "../models/types.js";
import { createSandbox, DEFAULT_RUNTIME, deferredSandbox } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/types.js";
import { CallSites } from "./call-sites.js";
import { type ChildOutcome, runChildLoop } from "./child.js";
import { ContextWindows } from "./context-windows.js";
import { type RlmNode, type SandboxSeat, SandboxSetupFailed, type SeatedSandbox } from "./node.js";
import { replyTokens } from "./options.js";
import { createBatchHandler } from "./preflight.js";
import { subCallCapacity } from "./prompts.js";
import { createQueryHandler } from "./query-handler.js";
import type { Run } from "./run.js";
import { type PooledSandbox, SandboxPool } from "./sandbox-pool.js";
import { seedRandom } from "./seed-random.js";
import type { RLMOptions } from "./types.js";

/**
 * This RLM's own pool of child sandboxes when `RLMOptions.sandboxPool` is not set: none. Made at
 * the first child, an own pool only adds starts on a busy machine (bench/children: maxDepth 2
 * 641 ms with none, 802 ms with 4), since a child already starts its sandbox beside its first
 * model call; a pool filled ahead (a shared one, as `rlm serve` keeps) is what saves the wait.
 */
export const DEFAULT_CHILD_POOL = 0;

export interface RootSetup {
  /** A sandbox started ahead (a warm spare); without it a new one is started. */
  sandbox: SeatedSandbox | undefined;
  conversation: ChatMessage[];
  onRestart: (sandbox: Sandbox) => Promise<void>;
  /** The root's signal; default the run's. */
  signal?: AbortSignal;
}

/** A sandbox still starting for a node about to be made (`NodeFactory.startDeferred`). */
export interface DeferredStart {
  sandbox: SeatedSandbox;
  /** The node's signal: its cause's, and aborted when the sandbox cannot be set up. */
  signal: AbortSignal;
  /** Seats the node once made (its preparation, such as seeding `random`, may then finish). */
  seat: (node: RlmNode) => RlmNode;
}

export class NodeFactory {
  readonly options: RLMOptions;
  private readonly windows = new ContextWindows();
  /** A sandbox started ahead of the next completion or session. */
  private spare: Promise<SeatedSandbox> | undefined;
  /**
   * Sandboxes started ahead for child RLMs: the caller's (`sandboxPool` given as a pool, shared by
   * several RLMs, roots included) or this RLM's own, made at the first child and closed by
   * `closePool` once no completion runs.
   */
  private pool: SandboxPool | undefined;
  /** One-shot completions running now; only they make an own pool (a session's children start cold). */
  private completions = 0;

  constructor(options: RLMOptions) {
    this.options = options;
    if (options.sandboxPool instanceof SandboxPool) this.pool = options.sandboxPool;
  }

  /** A pool whose sandboxes serve the nodes seated in them through `sandboxStarter`. */
  static createPool(options: Pick<RLMOptions, "sandbox" | "tools">, size: number): SandboxPool {
    const start = sandboxStarter(options);
    const runtime = options.sandbox?.runtime ?? DEFAULT_RUNTIME;
    // One WebAssembly interpreter boots at a time: each takes a core and about 150 MB while it does.
    return new SandboxPool({ size, start, startingAtOnce: runtime === "pyodide" ? 1 : 2 });
  }

  /**
   * Counts a one-shot completion; call what it returns when it ends. The own pool closes when no
   * completion runs: idle sandboxes would keep the process alive for a caller who never closes.
   */
  enterCompletion(): () => Promise<void> {
    this.completions++;
    return () => (--this.completions === 0 ? this.closePool() : Promise.resolve());
  }

  /** A pooled sandbox for a child RLM, if the pool has one (made and filled at the first child). */
  private takeForChild(): PooledSandbox | undefined {
    const size = this.options.sandboxPool ?? DEFAULT_CHILD_POOL;
    if (this.pool === undefined && this.completions > 0 && typeof size === "number" && size > 0) {
      this.pool = NodeFactory.createPool(this.options, size);
    }
    return this.claim(this.pool?.take());
  }

  /** Seats this factory in a pooled sandbox: its children are made here. */
  private claim(pooled: PooledSandbox | undefined): PooledSandbox | undefined {
    if (pooled) pooled.seat.nodes = this;
    return pooled;
  }

  /** Closes this RLM's own pool (never a shared one); the next child makes a new one. */
  async closePool(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined || pool === this.options.sandboxPool) return;
    this.pool = undefined;
    await pool.close();
  }

  get hasSpare(): boolean {
    return this.spare !== undefined;
  }

  /** Starts the spare sandbox (unless one is started) and waits until it runs. */
  async warm(): Promise<void> {
    this.spare ??= this.startSandbox();
    await this.spare;
  }

  /** Hands the spare to a new completion or session; with `keepWarm`, starts the next one now. */
  takeSpare(): Promise<SeatedSandbox> | undefined {
    const spare = this.spare ?? this.takeShared();
    this.spare = undefined;
    if (this.options.keepWarm) {
      this.spare = this.startSandbox();
      // A failed start shows when the spare is used (a fresh sandbox is tried then); never unhandled.
      this.spare.catch(() => undefined);
    }
    return spare;
  }

  /** A sandbox from a pool shared by several RLMs (a server's), for a root. */
  private takeShared(): Promise<SeatedSandbox> | undefined {
    if (this.pool !== this.options.sandboxPool) return undefined;
    const pooled = this.claim(this.pool?.take());
    return pooled?.started.then((sandbox) => ({ sandbox, seat: pooled.seat }));
  }

  async closeSpare(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    const started = await spare?.catch(() => undefined);
    await started?.sandbox.close();
  }

  /** The root RLM of a completion, or of a session's first query. */
  async openRoot(run: Run, setup: RootSetup): Promise<RlmNode> {
    const subModel = run.pool.get(run.subModel);
    const [subWindow, opened] = await Promise.all([
      this.windows.of(run, subModel, 0),
      this.open(run, 0, run.options.model, setup.sandbox),
    ]);
    return seated({
      ...opened,
      run,
      depth: 0,
      subCallChars: subCallCapacity(subWindow),
      replyTokens: {
        own: replyTokens(run.options.maxReplyTokens?.root, opened.contextWindow),
        sub: replyTokens(run.options.maxReplyTokens?.sub, subWindow),
      },
      signal: setup.signal ?? run.budget.signal,
      conversation: setup.conversation,
      calls: { current: [], batches: [] },
      sites: new CallSites(""),
      onRestart: setup.onRestart,
    });
  }

  /** The same root RLM (sandbox, model, conversation) for a session's next query. */
  reopenRoot(root: RlmNode, run: Run): RlmNode {
    return seated({ ...root, run, signal: run.budget.signal, sites: new CallSites("") });
  }

  /**
   * Answers `prompt` with a child RLM of `parent`, one level deeper, in a sandbox of its own that
   * closes once the answer is handed over. `signal` cancels it (the run's, plus the parent's exec).
   * `site` is the parent's sub-call that starts it (the child's calls are recorded under it).
   */
  async runChild(
    parent: RlmNode,
    runId: string,
    site: string,
    prompt: string,
    model: ModelRef,
    signal: AbortSignal,
  ): Promise<ChildOutcome> {
    const { run } = parent;
    const depth = parent.depth + 1;
    run.budget.enterDepth(depth);
    // The prompt is the child's context: loaded while the child's model reads its first message.
    const early = this.startDeferred(
      signal,
      async (sandbox, node) => {
        await sandbox.load(prompt, { signal });
        await seedRandom(await node, sandbox);
      },
      this.takeForChild(),
    );
    const opened = await this.open(run, depth, model, early.sandbox).catch(async (error: unknown) => {
      await early.sandbox.sandbox.close();
      throw error;
    });
    const node = early.seat({
      ...opened,
      run,
      depth,
      subCallChars: parent.subCallChars,
      replyTokens: {
        own: replyTokens(run.options.maxReplyTokens?.root, opened.contextWindow),
        sub: parent.replyTokens.sub,
      },
      signal: early.signal,
      conversation: [],
      calls: { current: [], batches: [] },
      sites: new CallSites(CallSites.child(site)),
      onRestart: undefined,
    });
    try {
      return await runChildLoop(node, runId, prompt);
    } finally {
      // The parent's code is waiting for this answer: end the child's Python after handing it over.
      run.defer(node.sandbox.close());
    }
  }

  /** The node's model through the run's pool, its window, and its sandbox (`sandbox`, or a new one). */
  private async open(run: Run, depth: number, model: ModelRef, sandbox?: SeatedSandbox) {
    const pooled = run.pool.get(model);
    const [contextWindow, started] = await Promise.all([
      this.windows.of(run, pooled, depth),
      sandbox ?? this.startSandbox(),
    ]);
    return { model: pooled, contextWindow, sandbox: started.sandbox, seat: started.seat };
  }

  /**
   * A sandbox for a node about to be made, usable at once: it starts, and `prepare` runs in it
   * (the context loaded, `random` seeded), while the node's first model call, which needs no
   * Python, goes out. The node's calls into it wait for both (`deferredSandbox`), so a cold node
   * costs its model's first reply or its sandbox's start, whichever is longer, not both. A start or
   * preparation that fails aborts the returned signal with `SandboxSetupFailed`: the call in
   * flight stops and the node's loop fails with the sandbox's error. Give the node `signal`, and
   * hand it to `seat` once made. `pooled`: a sandbox started ahead, used instead of a new one.
   */
  startDeferred(
    base: AbortSignal,
    prepare: (sandbox: Sandbox, node: Promise<RlmNode>) => Promise<void>,
    pooled?: PooledSandbox,
  ): DeferredStart {
    const seat: SandboxSeat = pooled?.seat ?? { node: undefined };
    const started = pooled?.started ?? this.startSandbox(seat).then(({ sandbox }) => sandbox);
    let seatNode: (node: RlmNode) => void = () => undefined;
    const node = new Promise<RlmNode>((resolve) => {
      seatNode = resolve;
    });
    const prepared = started.then((sandbox) => prepare(sandbox, node));
    const sandbox = deferredSandbox(this.options.sandbox?.runtime ?? DEFAULT_RUNTIME, started, prepared);
    const setupFailed = new AbortController();
    prepared.catch((error: unknown) => {
      if (!base.aborted) setupFailed.abort(new SandboxSetupFailed(error));
    });
    return {
      sandbox: { sandbox, seat },
      signal: AbortSignal.any([base, setupFailed.signal]),
      seat: (made) => {
        seated(made);
        seatNode(made);
        return made;
      },
    };
  }

  /** A new sandbox whose calls are served for the node in `seat`. */
  async startSandbox(seat: SandboxSeat = { node: undefined }): Promise<SeatedSandbox> {
    seat.nodes = this;
    return { sandbox: await sandboxStarter(this.options)(seat), seat };
  }
}

/** Starts sandboxes whose calls are served for the node in the seat, children made by its factory. */
function sandboxStarter(
  options: Pick<RLMOptions, "sandbox" | "tools">,
): (seat: SandboxSeat) => Promise<Sandbox> {
  return (seat) =>
    createSandbox({
      ...options.sandbox,
      ...(options.tools ? { tools: options.tools } : {}),
      onQuery: createQueryHandler(seat),
      onBatch: createBatchHandler(seat),
    });
}

/** Seats `node` in its sandbox: the sandbox's calls are served for it from now on. */
function seated(node: RlmNode): RlmNode {
  node.seat.node = node;
  return node;
}
