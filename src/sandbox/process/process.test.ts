import { describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import { runSandboxSuite } from "../common.case.js";
import { bwrapAvailable, bwrapCommand, createProcessSandbox } from "./index.js";
import { python3Available } from "./python-available.js";

const hasPython = python3Available();

if (hasPython) {
  runSandboxSuite({
    name: "process (python3)",
    // No command: the default, `python3` on PATH resolved to its real executable.
    create: (options) => createProcessSandbox(options),
  });
} else {
  describe("process (python3)", () => {
    it.skip("shared sandbox suite [skipped: no python3 (3.8+) on PATH; the process runtime needs one]", () => {});
  });
}

if (hasPython && bwrapAvailable()) {
  const command = bwrapCommand();
  runSandboxSuite({
    name: "process (bwrap)",
    create: (options) => createProcessSandbox({ ...options, command }),
  });
} else {
  describe("process (bwrap)", () => {
    it.skip("shared sandbox suite [skipped: needs python3 and a working bwrap (Linux namespaces)]", () => {});
  });
}

describe.skipIf(!hasPython)("process runtime: context larger than the memory cap", () => {
  it("fails at load naming the limit and the size, and the sandbox keeps working", async () => {
    const sandbox = await createProcessSandbox({ memoryMb: 128 });
    try {
      await sandbox.load("small one");
      const huge = "x".repeat(150 * 1024 * 1024);
      const error = await sandbox.load(huge).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RlmError);
      expect(error).toMatchObject({ code: "sandbox-context-too-large" });
      expect((error as RlmError).message).toContain("128 MB");
      expect((error as RlmError).message).toContain(String(huge.length));
      expect((error as RlmError).hint).toContain("memoryMb");
      expect((await sandbox.exec("print(context)")).stdout).toBe("small one\n");
    } finally {
      await sandbox.close();
    }
  });
});

describe.skipIf(!hasPython)("process runtime: launch failures", () => {
  it("says which command could not start, with a hint", async () => {
    const missing = await createProcessSandbox({ command: ["/nonexistent/python3"] }).catch(
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(RlmError);
    expect(missing).toMatchObject({ code: "sandbox-start-failed" });
    expect((missing as RlmError).message).toContain("/nonexistent/python3");
    expect((missing as RlmError).hint).toBeTruthy();
    const exits = await createProcessSandbox({
      command: ["python3", "-c", "import sys; sys.exit('no driver here')"],
    }).catch((error: unknown) => error);
    expect(exits).toMatchObject({ code: "sandbox-start-failed" });
    expect((exits as RlmError).message).toContain("no driver here");
  });
});
