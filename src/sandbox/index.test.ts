import { describe, expect, it } from "vitest";
import { RlmError } from "../errors/index.js";
import { createSandbox } from "./index.js";
import { python3Available } from "./process/python-available.js";
import type { SandboxOptions } from "./types.js";

describe("createSandbox", () => {
  it("starts the runtime asked for", async () => {
    // The process runtime needs a python3 on PATH; pyodide brings its own.
    const runtimes = python3Available() ? (["process", "pyodide"] as const) : (["pyodide"] as const);
    for (const runtime of runtimes) {
      const sandbox = await createSandbox({ runtime });
      try {
        expect(sandbox.runtime).toBe(runtime);
        expect((await sandbox.exec("print(6 * 7)")).stdout).toBe("42\n");
      } finally {
        await sandbox.close();
      }
    }
  });

  it("refuses an unknown runtime with a hint", async () => {
    const options = { runtime: "docker" } as unknown as SandboxOptions;
    const error = await createSandbox(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RlmError);
    expect(error).toMatchObject({ code: "sandbox-unknown-runtime" });
    expect((error as RlmError).hint).toContain("process");
  });
});
