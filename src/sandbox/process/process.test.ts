import { describe, it } from "vitest";
import { runSandboxSuite } from "../common.case.js";
import { bwrapAvailable, bwrapCommand, createProcessSandbox } from "./index.js";

runSandboxSuite({
  name: "process (python3)",
  // No command: the default, `python3` on PATH resolved to its real executable.
  create: (options) => createProcessSandbox(options),
});

if (bwrapAvailable()) {
  const command = bwrapCommand();
  runSandboxSuite({
    name: "process (bwrap)",
    create: (options) => createProcessSandbox({ ...options, command }),
  });
} else {
  describe("process (bwrap)", () => {
    it.skip("shared sandbox suite [skipped: bwrap is not installed or cannot create namespaces here]", () => {});
  });
}
