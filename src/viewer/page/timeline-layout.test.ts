/**
 * Timeline layout: times derived from the trajectory, and lanes stacked so that a fan-out at
 * concurrency 32 is 32 lanes deep while sequential calls stay on one lane.
 */

import { describe, expect, it } from "vitest";
import type { TrajectoryRun } from "../../trace/split-runs.js";
import { fanOutTrajectory } from "../__fixtures__/fan-out-trajectory.js";
import { parseTrajectoryText } from "./parse-trajectory-text.js";
import { CODE_LANE, layoutTimeline, ROOT_LANE } from "./timeline-layout.js";

function runOf(text: string): TrajectoryRun {
  return parseTrajectoryText(text, "t.jsonl").runs[0]!;
}

describe("layoutTimeline", () => {
  it("stacks a fan-out of 1,000 calls at concurrency 32 into 32 lanes, within the block's time", () => {
    const layout = layoutTimeline(runOf(fanOutTrajectory({ calls: 1000, concurrency: 32 })));
    const callLanes = layout.lanes.slice(2);
    // 32 lanes for the fan-out; the child RLM runs after it, on a lane already free.
    expect(callLanes).toHaveLength(32);
    const block = layout.lanes[CODE_LANE]![0]!;
    const calls = callLanes.flat().filter((bar) => bar.target.block === 0);
    expect(calls).toHaveLength(1000);
    for (const bar of calls) {
      expect(bar.start).toBeGreaterThanOrEqual(block.start - 1e-6);
      expect(bar.end).toBeLessThanOrEqual(block.end + 1000);
    }
    for (const lane of layout.lanes) {
      for (let index = 1; index < lane.length; index++) {
        expect(lane[index]!.start).toBeGreaterThanOrEqual(lane[index - 1]!.end - 1e-6);
      }
    }
    expect(calls.filter((bar) => bar.kind === "error").length).toBe(10);
    expect(layout.lanes[ROOT_LANE]!.map((bar) => bar.target.iteration)).toEqual([0, 1]);
    expect(layout.duration).toBeGreaterThan(block.end);
  });

  it("keeps sequential calls on one lane, one after another, and reads turn times from call lines", () => {
    const lines = [
      { type: "metadata", started_at: "2026-01-01T00:00:00.000Z", query: "q" },
      { type: "call", site: "1", model: "m", text: "x", usage: {}, finish_reason: "stop", elapsed_ms: 700 },
      {
        type: "iteration",
        iteration: 1,
        timestamp: "2026-01-01T00:00:03.000Z",
        response: "",
        code_blocks: [
          {
            code: "a = llm_query('1'); b = llm_query('2')",
            result: {
              stdout: "",
              stderr: "",
              execution_time: 2,
              rlm_calls: [
                { kind: "llm", model: "s", prompt: "1", response: "", execution_time: 0.9 },
                { kind: "llm", model: "s", prompt: "2", response: "", execution_time: 1 },
              ],
            },
          },
        ],
        iteration_time: 3,
      },
    ];
    const layout = layoutTimeline(runOf(lines.map((line) => JSON.stringify(line)).join("\n")));
    expect(layout.lanes).toHaveLength(3);
    const [turn] = layout.lanes[ROOT_LANE]!;
    expect(turn).toMatchObject({ start: 0, end: 700 });
    expect(layout.lanes[CODE_LANE]![0]).toMatchObject({ start: 700, end: 2700 });
    expect(layout.lanes[2]!.map((bar) => [bar.start, bar.end, bar.target.call])).toEqual([
      [700, 1600, 0],
      [1600, 2600, 1],
    ]);
  });

  it("lays out an official log that gives no times: every bar has a finite place, none is NaN", () => {
    const lines = [
      { type: "metadata", root_model: "gpt-5", max_depth: 1 },
      {
        type: "iteration",
        iteration: 1,
        prompt: "q",
        response: "```repl\nllm_query('x')\n```",
        code_blocks: [
          {
            code: "llm_query('x')",
            result: {
              stdout: "",
              stderr: "",
              rlm_calls: [{ root_model: "gpt-5-mini", prompt: "x", response: "y" }],
            },
          },
        ],
      },
      {
        type: "iteration",
        iteration: 2,
        prompt: "q",
        response: "FINAL(y)",
        final_answer: "y",
        iteration_time: 1.5,
      },
    ];
    const run = runOf(lines.map((line) => JSON.stringify(line)).join("\n"));
    expect(run.iterations[0]?.iteration_time).toBeNaN();
    const layout = layoutTimeline(run);
    const bars = layout.lanes.flat();
    expect(bars.length).toBeGreaterThan(0);
    for (const bar of bars) {
      expect(Number.isFinite(bar.start) && Number.isFinite(bar.end), JSON.stringify(bar)).toBe(true);
    }
    expect(Number.isFinite(layout.duration)).toBe(true);
    // The unknown turn takes no time; the known one, its 1.5 s.
    expect(layout.duration).toBe(1500);
  });
});
