/**
 * A run's record of model replies, the heart of durable runs. Every reply a backend gives is
 * written to the trajectory as a `call` line the moment it arrives (so `kill -9` at any point
 * keeps every reply paid for); a replay or a resume answers calls from the record instead of
 * sending them again.
 *
 * Calls are found by their site (see `CallRecord.site`), which is the same in every run of the same
 * code: a root model's turn number, or the number of a sub-call among those of one RLM (a batch
 * numbers its prompts in list order, so concurrency does not change it). A sub-call also checks
 * its prompt: code that asks something else has diverged.
 *
 * - `record`: nothing is answered from the record; every reply is kept.
 * - `replay`: every call must be answered from the record; a call it does not hold, or a sub-call
 *   that asks another prompt, is a divergence: the call fails and `divergence` says where.
 * - `resume`: calls are answered from the record while the run follows it. A call it does not hold
 *   (one in flight at the crash, or past the end of the record) is sent live and kept, and the run
 *   still follows the record for the calls after it: a batch's prompts finish out of order, and one
 *   that had answered must never be paid twice. A sub-call whose prompt changed means the code now
 *   does something else: from there on every call is live.
 */

import { RlmError } from "../errors/index.js";
import type { CallRecording, ChatResult, FinishReason } from "../models/types.js";
import type { TrajectoryRun } from "../trace/split-runs.js";
import type { CallRecord, TrajectoryLine } from "../trace/types.js";

export type RecordMode = "record" | "replay" | "resume";

export interface Divergence {
  site: string;
  /** What the recorded run did at that site ("no call", or the prompt it sent). */
  expected: string;
  actual: string;
}

export class RunRecord {
  private readonly calls = new Map<string, CallRecord>();
  private readonly windows = new Map<string, number>();
  private following: boolean;
  private firstDivergence: Divergence | undefined;
  private answered = 0;

  constructor(
    readonly mode: RecordMode,
    private readonly write: (line: TrajectoryLine) => void,
    recorded?: Pick<TrajectoryRun, "calls" | "windows">,
  ) {
    for (const call of recorded?.calls ?? []) this.calls.set(call.site, call);
    for (const window of recorded?.windows ?? []) this.windows.set(window.model, window.context_window);
    this.following = mode !== "record";
  }

  /** Replies answered from the record so far (not sent to a backend). */
  get replayed(): number {
    return this.answered;
  }

  /** Recorded replies this run may answer from. */
  get size(): number {
    return this.calls.size;
  }

  /** Where a replay first left the record, if it did. */
  get divergence(): Divergence | undefined {
    return this.firstDivergence;
  }

  /** The place of one model call in the record, to pass as `ChatOptions.recording`. */
  at(site: string, model: string, prompt?: string): CallRecording {
    return {
      recorded: () => this.recorded(site, prompt),
      keep: (result, elapsedMs) => this.keep(site, model, prompt, result, elapsedMs),
    };
  }

  /** A context window read from the record (replay and resume do not ask the backend again). */
  window(model: string): number | undefined {
    return this.following ? this.windows.get(model) : undefined;
  }

  keepWindow(model: string, contextWindow: number): void {
    if (this.windows.get(model) === contextWindow) return;
    this.windows.set(model, contextWindow);
    this.write({ type: "window", model, context_window: contextWindow });
  }

  private recorded(site: string, prompt: string | undefined): ChatResult | undefined {
    if (!this.following) return undefined;
    const call = this.calls.get(site);
    const changed =
      call !== undefined && prompt !== undefined && call.prompt !== undefined && call.prompt !== prompt;
    if (call === undefined || changed) {
      const mismatch = { expected: call?.prompt ?? "(no call)", actual: prompt ?? "(a model call)" };
      if (this.mode === "replay") {
        this.firstDivergence ??= { site, ...mismatch };
        throw divergedError(site, call !== undefined, mismatch.actual);
      }
      // Resume: a call the record lacks is made live; a changed prompt leaves the record for good.
      if (changed) {
        this.firstDivergence ??= { site, ...mismatch };
        this.following = false;
      }
      return undefined;
    }
    this.answered++;
    return {
      text: call.text,
      ...(call.reasoning !== undefined ? { reasoning: call.reasoning } : {}),
      usage: call.usage,
      finishReason: call.finish_reason as FinishReason,
    };
  }

  private keep(
    site: string,
    model: string,
    prompt: string | undefined,
    result: ChatResult,
    elapsedMs: number,
  ): void {
    const line: CallRecord = {
      type: "call",
      site,
      model,
      ...(prompt !== undefined ? { prompt } : {}),
      text: result.text,
      ...(result.reasoning !== undefined ? { reasoning: result.reasoning } : {}),
      usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
      finish_reason: result.finishReason,
      elapsed_ms: Math.round(elapsedMs),
    };
    this.write(line);
  }
}

function divergedError(site: string, recorded: boolean, actual: string): RlmError {
  const what = recorded
    ? `the code asked another prompt at call ${site} (${clip(actual)})`
    : `the run made a call at ${site} that the recorded run did not make`;
  return new RlmError("replay-diverged", `The replay left the record: ${what}.`, {
    hint: "The code or its inputs behave differently now; `rlm replay` shows the first output that differs.",
  });
}

function clip(text: string): string {
  return text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}...` : JSON.stringify(text);
}
