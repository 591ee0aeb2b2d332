import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressReporter, type ProgressUpdate } from "./progress.js";

const usage = { promptTokens: 1_000, completionTokens: 234 };

describe("ProgressReporter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the first step at once, then at most one per interval with the state at that moment", () => {
    const sent: ProgressUpdate[] = [];
    const reporter = new ProgressReporter((update) => sent.push(update), 500);
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    expect(sent).toEqual([{ progress: 1, message: "turn 1 · sub-calls 0/0 · 0 tokens · 0.0s" }]);
    reporter.onEvent({ type: "model-reply", depth: 0, iteration: 1, text: "", usage });
    for (let id = 1; id <= 20; id++) {
      reporter.onEvent({ type: "subcall-start", depth: 0, id, kind: "llm", model: "sub" });
      reporter.onEvent({ type: "subcall-end", depth: 0, id, kind: "llm", model: "sub", elapsedMs: 1 });
    }
    // A child's turns are not the root's.
    reporter.onEvent({ type: "iteration-start", depth: 1, iteration: 7 });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(500);
    expect(sent[1]).toEqual({ progress: 21, message: "turn 1 · sub-calls 20/20 · 1,234 tokens · 0.5s" });
    // Nothing new: nothing sent.
    vi.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(2);
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 2 });
    expect(sent[2]?.progress).toBe(22);
  });

  it("says what runs before the first turn, each step counted", () => {
    const sent: ProgressUpdate[] = [];
    const reporter = new ProgressReporter((update) => sent.push(update), 0);
    reporter.onEvent({ type: "run-step", depth: 0, step: "starting the sandbox" });
    reporter.onEvent({ type: "run-step", depth: 1, step: "a child's step" });
    vi.advanceTimersByTime(1);
    reporter.onEvent({ type: "run-step", depth: 0, step: "loading the context" });
    vi.advanceTimersByTime(1);
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    expect(sent.map((update) => `${update.progress} ${update.message}`)).toEqual([
      "1 starting the sandbox · 0.0s",
      "2 loading the context · 0.0s",
      "3 turn 1 · sub-calls 0/0 · 0 tokens · 0.0s",
    ]);
  });

  it("drops what is pending once stopped, so no progress follows the result", () => {
    const sent: ProgressUpdate[] = [];
    const reporter = new ProgressReporter((update) => sent.push(update), 500);
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 2 });
    reporter.stop();
    vi.advanceTimersByTime(1_000);
    reporter.onEvent({ type: "iteration-start", depth: 0, iteration: 3 });
    expect(sent.map((update) => update.progress)).toEqual([1]);
  });
});
