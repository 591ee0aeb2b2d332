import { runSandboxSuite } from "../common.case.js";
import { createPyodideSandbox } from "./index.js";

runSandboxSuite({
  name: "pyodide",
  create: createPyodideSandbox,
  skip: {
    "interrupt-sleep":
      "time.sleep blocks the WebAssembly thread in Atomics.wait, which the interrupt buffer cannot wake: the worker is killed and restarted instead (see limits.test.ts)",
  },
});
