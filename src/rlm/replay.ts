/**
 * `replay(path)`: runs a recorded completion again with no model server. Every model call (root
 * turns, sub-calls, child RLMs at any depth) is answered from the trajectory; the recorded code
 * runs again in a fresh sandbox; then the replay is compared with the record: the same code, the
 * same REPL output, the same answer, or the first place where they differ.
 *
 * What is made deterministic: Python's `random` (seeded per run, the seed recorded), string
 * hashes (fixed in both runtimes), the context windows (recorded), the models (answered from the
 * record). What is reported as a difference: anything else the code depends on (the clock, the
 * file system, a tool's answer).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Limits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import type { LanguageModel } from "../models/types.js";
import { describeDifference, firstDifference, type RunDifference, type RunRecord } from "../replay/index.js";
import type { SandboxRuntimeName } from "../sandbox/runtimes.js";
import type { ContextInput, SandboxOptions, ToolInput } from "../sandbox/types.js";
import { readTrajectory, type TrajectoryRun } from "../trace/index.js";
import type { RlmEvent } from "../trace/types.js";
import { checkContext, onlyRun } from "./durable-start.js";
import { NodeFactory } from "./node-factory.js";
import { RunError } from "./run-error.js";
import { RlmSession } from "./session.js";
import type { CompletionResult, RLMOptions } from "./types.js";

export interface ReplayOptions {
  /** The context the run was given. Default: the one the trajectory records (`recordContext`). */
  context?: ContextInput;
  /** Sandbox settings; the runtime defaults to the recorded one. */
  sandbox?: SandboxOptions;
  /** Host functions the recorded run's code called (they run again, live). */
  tools?: Record<string, ToolInput>;
  /** Where the replay writes its own trajectory. Default: a temporary file, removed afterwards. */
  trace?: string;
  onEvent?: (event: RlmEvent) => void;
  signal?: AbortSignal;
}

export interface ReplayResult {
  /** True when the replay reproduced the record: the same code, outputs and answer. */
  reproduced: boolean;
  /** The replay's own result (its answer, usage as recorded, stop reason). */
  result: CompletionResult;
  /** Where the replay first differs from the record, when it does. */
  difference: RunDifference | undefined;
  /** `difference` as lines for a terminal (`-` recorded, `+` replayed). */
  report: string | undefined;
  /** Model calls answered from the record. */
  replayedCalls: number;
  /** The recorded run, as read. */
  recorded: TrajectoryRun;
}

export async function replay(path: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const recorded = onlyRun((await readTrajectory(path)).runs, path);
  const context = options.context ?? (recorded.metadata.context_value as ContextInput | undefined);
  if (context === undefined) {
    throw new RlmError("resume-mismatch", `${path} does not hold its context, and none was given.`, {
      hint: recorded.metadata.inputs
        ? `Give the inputs it read: ${recorded.metadata.inputs.join(" ")}`
        : "Give the context the run was given (or record it with recordContext / --record-context).",
    });
  }
  checkContext(recorded, context, path, "Give the same inputs the run read.");
  const scratch = options.trace === undefined ? await mkdtemp(join(tmpdir(), "rlm-replay-")) : undefined;
  const trace = options.trace ?? join(scratch!, "replay.jsonl");
  let record: RunRecord | undefined;
  const session = new RlmSession(new NodeFactory(replayOptions(recorded, options, trace)), false);
  try {
    // A replay that fails (it left the record at a root call) is still a replay to compare.
    const result = await session
      .completion(
        context,
        recorded.metadata.query,
        { ...(options.signal ? { signal: options.signal } : {}) },
        { mode: "replay", recorded, onRecord: (kept) => (record = kept) },
      )
      .catch((error: unknown) => {
        if (error instanceof RunError) return error.result;
        throw error;
      });
    const replayed = onlyRun((await readTrajectory(trace)).runs, trace);
    const divergence = record?.divergence;
    const difference: RunDifference | undefined =
      divergence !== undefined
        ? { where: `model call ${divergence.site}`, expected: divergence.expected, actual: divergence.actual }
        : firstDifference(
            { iterations: recorded.iterations, answer: recorded.result?.answer },
            { iterations: replayed.iterations, answer: result.answer },
          );
    return {
      reproduced: difference === undefined,
      result,
      difference,
      report: difference === undefined ? undefined : describeDifference(difference),
      replayedCalls: record?.replayed ?? 0,
      recorded,
    };
  } finally {
    await session.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/** The recorded run's settings, with stand-ins for its models (a replay never reaches a backend). */
function replayOptions(recorded: TrajectoryRun, options: ReplayOptions, trace: string): RLMOptions {
  const { metadata } = recorded;
  const setup = metadata.setup ?? {};
  const models = new Map<string, LanguageModel>();
  const model = (spec: string): LanguageModel => {
    let standIn = models.get(spec);
    if (standIn === undefined) {
      standIn = recordedModel(spec);
      models.set(spec, standIn);
    }
    return standIn;
  };
  const runtime = setup.sandbox as SandboxRuntimeName | undefined;
  return {
    model: model(metadata.root_model),
    subModel: model(metadata.sub_model),
    ...(setup.depth_models ? { depthModels: setup.depth_models.map(model) } : {}),
    ...(setup.allowed_models ? { allowedSubModels: setup.allowed_models.map(model) } : {}),
    ...(setup.compact_at !== undefined ? { compactAt: setup.compact_at } : {}),
    maxDepth: metadata.max_depth,
    limits: replayLimits(recorded),
    sandbox: { ...(runtime !== undefined ? { runtime } : {}), ...options.sandbox },
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    trace,
  };
}

/**
 * The recorded limits, less the time limit (a replay runs at another speed): a run the clock
 * stopped replays as one stopped after as many turns, so its last call for a best answer comes at
 * the same turn.
 */
function replayLimits(recorded: TrajectoryRun): Limits {
  const { timeoutMs: _timeout, finalAnswerGraceMs: _grace, ...limits } = recorded.metadata.limits as Limits;
  const stop = recorded.result?.stop_reason;
  if (stop === "timeout" || stop === "aborted")
    return { ...limits, maxIterations: recorded.result!.iterations };
  return limits;
}

/** A model of the recorded run: every call it gets is one the record lacks (the run diverged). */
function recordedModel(spec: string): LanguageModel {
  const missing = (): RlmError =>
    new RlmError("replay-diverged", `The replay asked ${spec} for a reply the record does not hold.`, {
      hint: "A replay sends nothing to a model server; the first difference shows where the run left the record.",
    });
  return {
    spec,
    info: async () => {
      throw missing();
    },
    chat: async () => {
      throw missing();
    },
    // biome-ignore lint/correctness/useYield: a stream that fails at once
    stream: async function* () {
      throw missing();
    },
  };
}
