import { describe, expect, it } from "vitest";
import type { BatchEstimate, TrajectoryLine } from "../../src/trace/types.js";
import { batchAccuracy, formatEstimateError } from "./batch-estimates.js";

function iteration(batches: { tokens: number; actual?: number }[]): TrajectoryLine {
  return {
    type: "iteration",
    iteration: 1,
    depth: 0,
    prompt: [],
    response: "",
    iteration_time: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
    code_blocks: [
      {
        code: "",
        result: {
          stdout: "",
          stderr: "",
          locals: {},
          execution_time: 0,
          rlm_calls: [],
          batches: batches.map(({ tokens, actual }) => ({
            estimate: { tokens } as BatchEstimate,
            ...(actual === undefined
              ? { refused: "no room" }
              : {
                  actual: {
                    input_tokens: actual,
                    output_tokens: 0,
                    tokens: actual,
                    cost_usd: 0,
                    seconds: 0,
                    failed: 0,
                  },
                }),
          })),
        },
      },
    ],
  };
}

describe("batch estimate accuracy in the bench report", () => {
  it("sums the sent batches' estimated and actual tokens, leaving refused ones out", () => {
    const accuracy = batchAccuracy([
      iteration([{ tokens: 120, actual: 100 }, { tokens: 999 }]),
      iteration([{ tokens: 30, actual: 50 }]),
    ]);
    expect(accuracy).toEqual({ batches: 2, estimatedTokens: 150, actualTokens: 150 });
    expect(batchAccuracy([iteration([{ tokens: 5 }])])).toBeUndefined();
  });

  it("reports the signed error over runs, or - when none sent a batch", () => {
    const over = { batches: 1, estimatedTokens: 125, actualTokens: 100 };
    const under = { batches: 1, estimatedTokens: 45, actualTokens: 100 };
    expect(formatEstimateError([over, undefined])).toBe("+25%");
    expect(formatEstimateError([over, under])).toBe("-15%");
    expect(formatEstimateError([undefined])).toBe("-");
  });
});
