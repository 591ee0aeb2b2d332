import { runSandboxSuite } from "../common.case.js";
import { createPyodideSandbox } from "./index.js";

runSandboxSuite({
  name: "pyodide",
  create: createPyodideSandbox,
  skip: {
    "interrupt-sleep":
      "time.sleep blocks the WebAssembly thread in Atomics.wait, which the interrupt buffer cannot wake: the worker is killed and restarted instead (see limits.test.ts)",
    "memory-cap":
      "the shared case allocates 4 GiB, which wasm32 rejects with OverflowError (ssize_t is 32-bit) before any cap applies; limits.test.ts checks the cap with 1.5 GiB",
  },
});
