/**
 * One run: what every RLM of one completion's recursion tree shares (in a session, of one query).
 * Made once when the completion starts, never re-bound: its id, the options with their defaults
 * applied, the model pool, the budget (whose signal stops the whole tree), the trace, and the
 * caller's own signal. Each RLM of the tree is a node (see node.ts) that points at its run.
 */

import { Budget, type ResolvedLimits, resolveLimits } from "../budget/index.js";
import type { LanguageModel, ModelPool } from "../models/types.js";
import { createTraceSink } from "../trace/index.js";
import type { RlmEvent, TraceSink } from "../trace/types.js";
import type { BackgroundWork } from "./background-work.js";
import { maxDepthOf } from "./options.js";
import type { RLMOptions } from "./types.js";

export interface RunSetup {
  id: string;
  options: RLMOptions;
  pool: ModelPool;
  /** The caller's signal: aborting it stops the run with stop reason "aborted". */
  signal: AbortSignal | undefined;
  tracePath: string | undefined;
  /** Keep the trajectory's earlier lines (a session's later queries). */
  appendTrace: boolean;
  /** Where work that may finish after the run goes (a child's sandbox closing); its owner awaits it. */
  background: BackgroundWork;
}

export class Run {
  /** The root's run id; a child's run id is this plus its sub-call id. */
  readonly id: string;
  readonly options: RLMOptions;
  readonly limits: ResolvedLimits;
  /** 1: rlm_query is a plain call; 2+: it starts child RLMs down to depth `maxDepth - 1`. */
  readonly maxDepth: number;
  /** Spec (or model) that serves llm_query when the code names none. */
  readonly subModel: string | LanguageModel;
  readonly pool: ModelPool;
  readonly budget: Budget;
  readonly sink: TraceSink & { readonly path: string | undefined };
  /** The caller's own signal (the budget's signal also fires on limits). */
  readonly callerSignal: AbortSignal | undefined;
  /** `model=` names refused so far: a batch of 1,000 prompts naming the same one warns once. */
  readonly refusedModels = new Set<string>();
  private readonly background: BackgroundWork;
  private subCallCount = 0;

  constructor(setup: RunSetup) {
    const { options, pool } = setup;
    this.id = setup.id;
    this.options = options;
    this.limits = resolveLimits(options.limits);
    this.maxDepth = maxDepthOf(options);
    this.subModel = options.subModel ?? options.model;
    this.pool = pool;
    this.callerSignal = setup.signal;
    // The trajectory first: a file that cannot be opened throws before the budget's clock starts.
    this.sink = createTraceSink({
      path: setup.tracePath,
      append: setup.appendTrace,
      onEvent: options.onEvent,
    });
    this.budget = new Budget({ limits: this.limits, usage: () => pool.usage(), signal: setup.signal });
    this.background = setup.background;
  }

  /** Ids of sub-calls, counted over the whole tree. */
  nextSubCallId(): number {
    return ++this.subCallCount;
  }

  emit(event: RlmEvent): void {
    this.sink.event(event);
  }

  /** Hands over work that may finish after the run (closing a child's sandbox). */
  defer(work: Promise<void>): void {
    this.background.add(work);
  }

  /** Stops the budget's clock and closes the trajectory. */
  async end(): Promise<void> {
    this.budget.dispose();
    await this.sink.close();
  }
}
