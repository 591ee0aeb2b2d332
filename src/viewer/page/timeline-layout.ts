/**
 * Where each bar of a run's timeline goes: root turns, code blocks, sub-calls and child RLMs as
 * spans of time on lanes. Pure (no DOM), so it is tested in Node and fast on 10,000 sub-calls.
 *
 * A trajectory does not record when each thing started, so times are derived, as well as the data
 * allows, in milliseconds from the run's start:
 *
 * - An iteration ends at its `timestamp` (ISO 8601, measured from the metadata's `started_at`)
 *   and lasts `iteration_time`; without timestamps, iterations follow each other.
 * - Within an iteration the model's turn comes first, then the code blocks one after another. The
 *   turn lasts the `elapsed_ms` of its recorded `call` line (durable runs, site `N` = root turn N)
 *   when there is one, else what the code blocks leave of `iteration_time`.
 * - A block's sub-calls have only their `execution_time`. When those add up to no more than the
 *   block's time, they ran one after another. When they add up to more, they ran in parallel: the
 *   concurrency is estimated as ceil(sum / block time), and the calls are scheduled in their order
 *   on that many slots, each starting when the earliest slot frees (as a pool runs them). A
 *   fan-out of 1,000 calls at concurrency 32 thus comes out 32 deep.
 * - A child RLM is one bar (its own iterations are in the detail view).
 *
 * Lanes: 0 is the root model's turns, 1 the code blocks, then sub-calls are stacked so that no two
 * bars on a lane overlap (the fewest lanes, given greedily by start time).
 */

import type { TrajectoryRun } from "../../trace/split-runs.js";
import type { SubCallRecord } from "../../trace/types.js";

export type BarKind = "turn" | "code" | "llm" | "rlm" | "error";

/** What a bar stands for in the detail view: iteration index (0-based), block and sub-call. */
export interface BarTarget {
  iteration: number;
  block?: number;
  /** Index of the sub-call among all sub-calls of its iteration, in block order. */
  call?: number;
}

export interface Bar {
  start: number;
  end: number;
  lane: number;
  kind: BarKind;
  target: BarTarget;
  /** One line shown on hover. */
  label: string;
  /** The sub-call, for its prompt and response on hover. */
  subCall?: SubCallRecord;
}

export interface TimelineLayout {
  /** Bars of each lane, sorted by start; bars on a lane do not overlap, so ends are sorted too. */
  lanes: Bar[][];
  /** End of the last bar, in milliseconds from the run's start. */
  duration: number;
  bars: number;
}

/** Where things are on the timeline's canvas, in CSS pixels (shared with the browser tests). */
export const TIMELINE_GEOMETRY = {
  /** Height of a lane. */
  ROW: 14,
  /** Height of a bar in its lane. */
  BAR: 10,
  /** Width of the lane names on the left. */
  GUTTER: 86,
  /** Height of the time axis on top. */
  AXIS: 18,
  /** The box scrolls past this height. */
  MAX_HEIGHT: 420,
} as const;

export const ROOT_LANE = 0;
export const CODE_LANE = 1;

export function layoutTimeline(run: TrajectoryRun): TimelineLayout {
  const started = Date.parse(run.metadata.started_at);
  const turnElapsed = new Map<string, number>();
  for (const call of run.calls) {
    if (/^\d+$/.test(call.site)) turnElapsed.set(call.site, call.elapsed_ms);
  }
  const fixed: Bar[] = [];
  const calls: Bar[] = [];
  let previousEnd = 0;
  run.iterations.forEach((iteration, index) => {
    const duration = known(iteration.iteration_time) * 1000;
    const ended = iteration.timestamp ? Date.parse(iteration.timestamp) - started : Number.NaN;
    const start = Number.isFinite(ended) ? Math.max(0, ended - duration) : previousEnd;
    const codeTime = iteration.code_blocks.reduce(
      (sum, block) => sum + known(block.result.execution_time) * 1000,
      0,
    );
    const recordedTurn = turnElapsed.get(String(iteration.iteration));
    const turn = recordedTurn ?? Math.max(0, duration - codeTime);
    fixed.push({
      start,
      end: start + turn,
      lane: ROOT_LANE,
      kind: iteration.stop_reason && iteration.stop_reason !== "answer" ? "error" : "turn",
      target: { iteration: index },
      label: `Iteration ${iteration.iteration}: model turn${recordedTurn === undefined ? "" : " (recorded)"}`,
    });
    let at = start + turn;
    let callIndex = 0;
    iteration.code_blocks.forEach((block, blockIndex) => {
      const blockTime = known(block.result.execution_time) * 1000;
      fixed.push({
        start: at,
        end: at + blockTime,
        lane: CODE_LANE,
        kind: block.result.error !== undefined ? "error" : "code",
        target: { iteration: index, block: blockIndex },
        label: `Iteration ${iteration.iteration}, code block ${blockIndex + 1}${block.result.error !== undefined ? " (error)" : ""}`,
      });
      for (const [start, subCall] of scheduleSubCalls(block.result.rlm_calls, at, blockTime)) {
        calls.push({
          start,
          end: start + known(subCall.execution_time) * 1000,
          lane: 0,
          kind: subCall.error !== undefined ? "error" : subCall.kind,
          target: { iteration: index, block: blockIndex, call: callIndex },
          label: `Iteration ${iteration.iteration}, sub-call ${callIndex + 1}: ${subCall.kind === "rlm" ? "rlm_query" : "llm_query"} ${subCall.model}`,
          subCall,
        });
        callIndex++;
      }
      at += blockTime;
    });
    previousEnd = Math.max(start + duration, at);
  });
  const lanes: Bar[][] = [[], []];
  for (const bar of fixed) lanes[bar.lane]!.push(bar);
  for (const lane of lanes) lane.sort((a, b) => a.start - b.start);
  stackCalls(calls, lanes);
  let duration = 0;
  for (const lane of lanes) for (const bar of lane) duration = Math.max(duration, bar.end);
  return { lanes, duration, bars: fixed.length + calls.length };
}

/** A time the trajectory gave, in seconds; an unknown (NaN) or negative one counts as 0 here. */
function known(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** Start times of a block's sub-calls (see the file comment). */
function scheduleSubCalls(
  subCalls: SubCallRecord[],
  blockStart: number,
  blockTime: number,
): [number, SubCallRecord][] {
  const total = subCalls.reduce((sum, call) => sum + known(call.execution_time) * 1000, 0);
  const slots =
    total <= blockTime * 1.01 || blockTime <= 0 ? 1 : Math.min(subCalls.length, Math.ceil(total / blockTime));
  // A pool of `slots`: each call starts when the earliest slot frees.
  const free = new MinHeap();
  for (let slot = 0; slot < slots; slot++) free.push(blockStart, slot);
  return subCalls.map((call) => {
    const [start, slot] = free.pop();
    free.push(start + known(call.execution_time) * 1000, slot);
    return [start, call];
  });
}

/** Puts each call on the first lane (after the fixed ones) free at its start. */
function stackCalls(calls: Bar[], lanes: Bar[][]): void {
  calls.sort((a, b) => a.start - b.start || a.end - b.end);
  const ends = new MinHeap();
  for (const bar of calls) {
    const top = ends.peek();
    // A small tolerance: derived times of back-to-back calls may overlap by rounding.
    if (top && top[0] <= bar.start + 1e-6) {
      ends.pop();
      bar.lane = top[1];
    } else {
      bar.lane = lanes.length;
      lanes.push([]);
    }
    lanes[bar.lane]!.push(bar);
    ends.push(bar.end, bar.lane);
  }
}

/** A binary min-heap of [key, value] pairs, ties broken by the smaller value. */
class MinHeap {
  private readonly items: [number, number][] = [];

  push(key: number, value: number): void {
    const items = this.items;
    items.push([key, value]);
    for (let index = items.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (!less(items[index]!, items[parent]!)) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  peek(): [number, number] | undefined {
    return this.items[0];
  }

  pop(): [number, number] {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let index = 0; ; ) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && less(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && less(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === index) break;
        [items[index], items[smallest]] = [items[smallest]!, items[index]!];
        index = smallest;
      }
    }
    return top;
  }
}

function less(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** Index of the first bar of a lane that ends at or after `time` (lanes' ends are sorted). */
export function firstEndingAfter(lane: Bar[], time: number): number {
  let low = 0;
  let high = lane.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (lane[middle]!.end < time) low = middle + 1;
    else high = middle;
  }
  return low;
}
