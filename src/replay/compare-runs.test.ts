import { describe, expect, it } from "vitest";
import type { IterationRecord } from "../trace/types.js";
import { describeDifference, firstDifference } from "./compare-runs.js";

function turn(stdout: string, children?: IterationRecord[]): IterationRecord {
  return {
    type: "iteration",
    iteration: 1,
    depth: 0,
    prompt: [],
    response: "```repl\nprint(x)\n```",
    code_blocks: [
      {
        code: "print(x)",
        result: {
          stdout,
          stderr: "",
          locals: {},
          execution_time: Math.random(),
          rlm_calls: children
            ? [{ kind: "rlm", model: "m", prompt: "p", response: "r", execution_time: 1, children }]
            : [],
        },
      },
    ],
    iteration_time: Math.random(),
    usage: { promptTokens: 1, completionTokens: 1 },
  };
}

describe("firstDifference", () => {
  it("finds none when only timings differ", () => {
    const run = { iterations: [turn("1\n2\n")], answer: "42" };
    expect(firstDifference(run, { iterations: [turn("1\n2\n")], answer: "42" })).toBeUndefined();
  });

  it("names the first block whose output differs, inside child runs too, and shows it as a diff", () => {
    const recorded = { iterations: [turn("a\n", [turn("same\nold\n")])], answer: "42" };
    const replayed = { iterations: [turn("a\n", [turn("same\nnew\n")])], answer: "42" };
    const difference = firstDifference(recorded, replayed);
    expect(difference?.where).toBe("turn 1, block 1, sub-call 1 (child) turn 1, block 1, stdout");
    expect(describeDifference(difference!)).toBe(
      [
        "first difference: turn 1, block 1, sub-call 1 (child) turn 1, block 1, stdout (from line 2)",
        "- old",
        "+ new",
      ].join("\n"),
    );
  });

  it("reports a missing turn and a different answer", () => {
    expect(
      firstDifference({ iterations: [turn("a")], answer: "x" }, { iterations: [], answer: "x" }),
    ).toEqual({
      where: "turn 1",
      expected: "a turn",
      actual: "(no such turn)",
    });
    expect(firstDifference({ iterations: [], answer: "x" }, { iterations: [], answer: "y" })?.where).toBe(
      "answer",
    );
  });
});
