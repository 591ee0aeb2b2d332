/**
 * One run: what every RLM of one completion's recursion tree shares (in a session, of one query).
 * Made once when the completion starts, never re-bound: its id, the options with their defaults
 * applied, the model pool, the budget (whose signal stops the whole tree), the trace, and the
 * caller's own signal. Each RLM of the tree is a node (see node.ts) that points at its run.
 */

import { Budget, type ResolvedLimits, resolveLimits } from "../budget/index.js";
import type { ModelRef } from "../models/model-ref.js";
import type { ModelPool } from "../models/pool/index.js";
import type { CallRecording } from "../models/types.js";
import { type RecordMode, RunRecord } from "../replay/index.js";
import type { TrajectoryRun } from "../trace/index.js";
import { createTraceSink } from "../trace/index.js";
import type { MetadataRecord, RlmEvent, TraceSink, TrajectoryLine } from "../trace/types.js";
import type { BackgroundWork } from "./background-work.js";
import { maxDepthOf } from "./options.js";
import { SubCallCalibration } from "./preflight.js";
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
  /** A resume or a replay of a recorded run; a fresh run (undefined) records when it has a trajectory. */
  durable: DurableStart | undefined;
}

/** How a run follows a recorded one (see replay/run-record.ts). */
export interface DurableStart {
  mode: Exclude<RecordMode, "record">;
  recorded: TrajectoryRun;
  /** Handed the run's record once made (a replay reads where it diverged). */
  onRecord?: (record: RunRecord) => void;
}

export class Run {
  /** The root's run id; a child's run id is this plus its sub-call id. */
  readonly id: string;
  readonly options: RLMOptions;
  readonly limits: ResolvedLimits;
  /** 1: rlm_query is a plain call; 2+: it starts child RLMs down to depth `maxDepth - 1`. */
  readonly maxDepth: number;
  /** Spec (or model) that serves llm_query when the code names none. */
  readonly subModel: ModelRef;
  readonly pool: ModelPool;
  readonly budget: Budget;
  readonly sink: TraceSink & { readonly path: string | undefined };
  /** The caller's own signal (the budget's signal also fires on limits). */
  readonly callerSignal: AbortSignal | undefined;
  /** `model=` names refused so far: a batch of 1,000 prompts naming the same one warns once. */
  readonly refusedModels = new Set<string>();
  /**
   * The record of its model replies: kept when the run writes a trajectory, followed in a resume or
   * a replay. Undefined for a run with neither (nothing to record into, nothing to follow).
   */
  readonly record: RunRecord | undefined;
  /** Seeds Python's `random` in every sandbox of the run (a replay or resume uses the recorded one). */
  readonly seed: number;
  /** What the run has seen of each sub-model's replies, for the batch preflight's estimates. */
  readonly calibration = new SubCallCalibration();
  private readonly background: BackgroundWork;
  private subCallCount = 0;
  /** Lines recorded before the metadata (a context window read while the root opens) wait for it. */
  private held: TrajectoryLine[] | undefined = [];

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
    const { durable } = setup;
    this.seed = durable?.recorded.metadata.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.record =
      durable !== undefined || this.sink.path !== undefined
        ? new RunRecord(durable?.mode ?? "record", (line) => this.recordLine(line), durable?.recorded)
        : undefined;
    if (this.record !== undefined) durable?.onRecord?.(this.record);
  }

  /** Where a model call goes in the record, for `ChatOptions.recording` (nothing without a record). */
  recording(site: string, model: string, prompt?: string): { recording?: CallRecording } {
    return this.record === undefined ? {} : { recording: this.record.at(site, model, prompt) };
  }

  /** Writes the run's metadata line, then the lines recorded before it. */
  start(metadata: MetadataRecord): void {
    this.sink.line(metadata);
    for (const line of this.held ?? []) this.sink.line(line);
    this.held = undefined;
  }

  private recordLine(line: TrajectoryLine): void {
    // A reader starts a run at its metadata line: nothing of the run may come before it.
    if (this.held !== undefined) this.held.push(line);
    else this.sink.line(line);
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
