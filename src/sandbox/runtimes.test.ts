import { describe, expect, it } from "vitest";
import { DEFAULT_RUNTIME, SANDBOX_RUNTIMES, USER_RUNTIMES } from "./runtimes.js";

describe("the runtime registry", () => {
  it("offers users the real runtimes, the default first, and keeps the test-only one out", () => {
    expect(USER_RUNTIMES).toEqual(["pyodide", "process"]);
    expect(USER_RUNTIMES[0]).toBe(DEFAULT_RUNTIME);
    expect(Object.keys(SANDBOX_RUNTIMES)).toContain("memory");
  });

  it("builds each runtime under its own name", async () => {
    for (const [name, entry] of Object.entries(SANDBOX_RUNTIMES)) {
      expect((await entry.runtime({})).name).toBe(name);
    }
  });
});
