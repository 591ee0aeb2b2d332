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

describe("ProgressDisplay (what it shows)", () => {
  it("says what runs before the first turn: checking the backends, starting the sandbox, loading the context", () => {
    let written = "";
    const display = new ProgressDisplay({
      write: (text) => (written += text),
      interactive: true,
      verbose: false,
    });
    expect(display.status()).toMatch(/^starting · \d+\.\ds$/);
    display.setStep("checking the backends");
    expect(display.status()).toMatch(/^checking the backends · /);
    display.onEvent({ type: "run-step", depth: 0, step: "starting the sandbox" });
    expect(written).toContain("rlm · starting the sandbox · ");
    display.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    expect(display.status()).toMatch(/^turn 1 · sub-calls 0\/0 · /);
    display.stop();
  });

  it("verbose: a reply without code in full, a reply's words, and every note sent to the model", () => {
    let written = "";
    const display = new ProgressDisplay({
      write: (text) => (written += text),
      interactive: false,
      verbose: true,
    });
    const usage = { promptTokens: 1, completionTokens: 1 };
    display.onEvent({
      type: "model-reply",
      depth: 0,
      iteration: 1,
      text: "I think it is about cats.",
      usage,
    });
    display.onEvent({ type: "model-note", depth: 0, iteration: 1, message: "Write a ```repl block." });
    display.onEvent({
      type: "model-reply",
      depth: 1,
      iteration: 2,
      text: "Let me count.\n```repl\nprint(1)\n```",
      usage,
    });
    display.stop();
    expect(written.split("\n")).toEqual([
      "── turn 1 reply (no code block) ──",
      "I think it is about cats.",
      "── note to the model ──",
      "Write a ```repl block.",
      "── turn 2 reply (depth 1) ──",
      "Let me count.",
      "",
    ]);
  });

  it("-q -v: the verbose output without the status line or the per-turn lines", () => {
    let written = "";
    const display = new ProgressDisplay({
      write: (text) => (written += text),
      interactive: true,
      verbose: true,
      statusLine: false,
    });
    display.onEvent({ type: "iteration-start", depth: 0, iteration: 1 });
    display.onEvent({ type: "model-note", depth: 0, iteration: 1, message: "a note" });
    display.onEvent({ type: "run-end", depth: 0, stopReason: "answer", answer: "x", elapsedMs: 1 });
    display.stop();
    expect(written).toBe("── note to the model ──\na note\n");
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
