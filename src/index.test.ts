import { describe, expect, it } from "vitest";
import * as rlm from "./index.js";

describe("package root", () => {
  it("exports the public API that README.md promises (As a library), as functions and classes", () => {
    for (const name of [
      "RLM",
      "RlmSession",
      "createModel",
      "createModelPool",
      "createSandbox",
      "RlmError",
    ] as const) {
      expect(typeof rlm[name], name).toBe("function");
    }
  });

  it("creates a model from a spec without contacting anything", () => {
    const model = rlm.createModel("openai-compatible:http://127.0.0.1:9/v1#m");
    expect(model.spec).toBe("openai-compatible:http://127.0.0.1:9/v1#m");
  });
});
