/**
 * What a user sees when a completion cannot start: a typed RlmError that says what to do, thrown
 * from `completion` (no run happened, so there is no result to return).
 */

import { describe, expect, it } from "vitest";
import { RlmError } from "../errors/index.js";
import { RLM } from "./index.js";

async function failure(run: () => Promise<unknown>): Promise<RlmError> {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RlmError);
  return error as RlmError;
}

describe("setup errors", () => {
  it("rejects bad options at construction", () => {
    expect(() => new RLM({ model: "ollama:qwen3:4b", maxDepth: 0 })).toThrow(
      /maxDepth must be a whole number >= 1/,
    );
    expect(() => new RLM({ model: "ollama:qwen3:4b", limits: { maxIterations: -1 } })).toThrow(
      /limits.maxIterations must be a positive number/,
    );
  });

  it("an invalid model spec names the forms that work", async () => {
    const rlm = new RLM({ model: "not-a-spec", sandbox: { runtime: "process" } });
    const error = await failure(() => rlm.completion("text", "q"));
    expect(error.code).toBe("invalid-model-spec");
    expect(error.hint).toContain("ollama:qwen3:4b");
  });

  it("a sandbox that cannot start says so", async () => {
    const rlm = new RLM({
      model: "openai-compatible:http://127.0.0.1:9/v1#m",
      sandbox: { runtime: "process", command: ["/nonexistent/python3"] },
    });
    const error = await failure(() => rlm.completion("text", "q"));
    expect(error.message).toMatch(/python3|start/i);
    expect(error.hint).toBeTruthy();
  });
});
