import { describe, expect, it } from "vitest";
import { isRlmError, RlmError } from "./index.js";

describe("RlmError", () => {
  it("keeps code, hint and retry facts, and describes itself with the hint", () => {
    const error = new RlmError("rate-limited", "429 from server", {
      hint: "wait",
      isRetryable: true,
      retryAfterSeconds: 2,
    });
    expect(isRlmError(error)).toBe(true);
    expect(error.code).toBe("rate-limited");
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.describe()).toBe("429 from server\n  → wait");
  });
});
