import { describe, expect, it } from "vitest";
import { type ErrorCode, RlmError } from "../errors/index.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { ProgressDisplay } from "./progress.js";

describe("ProgressDisplay (piped)", () => {
  it("prints one plain line per root turn and at the end, with code and output when verbose", () => {
    let written = "";
    const display = new ProgressDisplay({
      write: (text) => (written += text),
      interactive: false,
      verbose: true,
    });
    display.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    display.onEvent({ type: "code-start", depth: 0, iteration: 1, index: 0, code: "print(len(context))\n" });
    display.onEvent({ type: "subcall-start", depth: 0, id: 1, kind: "llm", model: "sub" });
    display.onEvent({ type: "subcall-end", depth: 0, id: 1, kind: "llm", model: "sub", elapsedMs: 5 });
    display.onEvent({
      type: "code-end",
      depth: 0,
      iteration: 1,
      index: 0,
      stdout: "42\n",
      stderr: "",
      elapsedMs: 12,
    });
    display.onEvent({
      type: "iteration-end",
      depth: 0,
      iteration: 1,
      elapsedMs: 20,
      usage: {
        root: { calls: 1, promptTokens: 1200, completionTokens: 300, costUsd: 0.0021 },
        sub: { calls: 1, promptTokens: 50, completionTokens: 5, costUsd: 0.0001 },
      },
    });
    display.onEvent({ type: "run-end", depth: 0, stopReason: "answer", answer: "42", elapsedMs: 25 });
    display.stop();
    const lines = written.split("\n");
    expect(lines[0]).toBe("── turn 1, code block 1 ──");
    expect(lines[1]).toBe("print(len(context))");
    expect(lines[2]).toBe("── output (0.01s) ──");
    expect(lines[3]).toBe("42");
    expect(lines[4]).toMatch(/^\[rlm\] turn 1 · sub-calls 1\/1 · 1,555 tokens · \$0\.0022 · \d+\.\ds$/);
    expect(lines[5]).toMatch(/^\[rlm\] finished \(answer\): turn 1/);
    expect(written).not.toContain("\r");
  });
});

describe("exit codes", () => {
  it("maps error codes to the documented exit codes", () => {
    const code = (name: ErrorCode) => exitCodeFor(new RlmError(name, "x"));
    expect(code("input-binary")).toBe(EXIT.input);
    expect(code("trace-not-found")).toBe(EXIT.input);
    expect(code("invalid-config")).toBe(EXIT.usage);
    expect(code("invalid-model-spec")).toBe(EXIT.usage);
    expect(code("backend-unreachable")).toBe(EXIT.backend);
    expect(code("model-not-found")).toBe(EXIT.backend);
    expect(code("sandbox-start-failed")).toBe(EXIT.sandbox);
    expect(code("budget-exceeded")).toBe(EXIT.limit);
    expect(exitCodeFor(new TypeError("bug"))).toBe(EXIT.internal);
  });
});
