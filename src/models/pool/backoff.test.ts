import { describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import { backoffDelayMs, retryDelayMs } from "./backoff.js";

const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe("backoff", () => {
  it("doubles per attempt between half and all of the step, up to the cap", () => {
    for (const [attempt, step] of [
      [0, 100],
      [1, 200],
      [2, 400],
      [3, 800],
      [4, 1_000],
      [9, 1_000],
    ] as const) {
      expect(backoffDelayMs(attempt, { ...options, random: () => 0 })).toBe(step / 2);
      expect(backoffDelayMs(attempt, { ...options, random: () => 0.999_999 })).toBe(step);
    }
  });

  it("never waits less than the server's Retry-After, whatever the jitter", () => {
    const error = new RlmError("rate-limited", "slow down", { isRetryable: true, retryAfterSeconds: 1 });
    for (const random of [() => 0, () => 0.5, () => 0.999]) {
      const delay = retryDelayMs(0, error, { ...options, random });
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(1_100);
    }
  });
});
