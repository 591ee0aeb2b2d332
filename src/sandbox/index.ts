/**
 * Sandboxes: the persistent Python REPL in which the root model's code runs. One Python driver
 * (`python/driver.py`) defines the model's contract for every runtime; `pyodide` (default, CPython in
 * locked-down WebAssembly) and `process` (native CPython behind a launcher such as `bwrap`) run it.
 * `createSandbox` picks the runtime; the pyodide runtime is imported only when asked for, so using
 * `process` never loads WebAssembly.
 */

import { RlmError } from "../errors/index.js";
import { createProcessSandbox } from "./process/index.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export { type EncodedContext, encodeContext } from "./context-encoding.js";
export { answerHostCall, type HostCallHandlers, type HostReply } from "./host-calls.js";
export { type BwrapOptions, bwrapAvailable, bwrapCommand, createProcessSandbox } from "./process/index.js";
export { driverPath, pythonDirectory } from "./python-files.js";
export { cutMarker, HeadTailCollector, truncateHeadTail } from "./truncate.js";
export type * from "./types.js";

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const runtime = options.runtime ?? "pyodide";
  if (runtime === "process") return createProcessSandbox(options);
  if (runtime === "pyodide") {
    const { createPyodideSandbox } = await import("./pyodide/index.js");
    return createPyodideSandbox(options);
  }
  throw new RlmError("sandbox-unknown-runtime", `unknown sandbox runtime ${JSON.stringify(runtime)}`, {
    hint: 'Use runtime "pyodide" (default, locked down) or "process" (native python3 via a launcher).',
  });
}
