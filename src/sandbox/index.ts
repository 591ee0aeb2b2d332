/**
 * Sandboxes: the persistent Python REPL in which the root model's code runs. One Python driver
 * (`python/driver.py`) defines the model's contract for every runtime; `pyodide` (default, CPython in
 * locked-down WebAssembly) and `process` (native CPython behind a launcher such as `bwrap`) run it.
 * `createSandbox` picks the runtime from the registry (runtimes.ts), which imports each only when
 * asked for, so using `process` never loads WebAssembly.
 */

import { RlmError } from "../errors/index.js";
import { createCoreSandbox } from "./core/sandbox-core.js";
import { DEFAULT_RUNTIME, describeUserRuntimes, runtimeEntry } from "./runtimes.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export { type EncodedContext, encodeContext } from "./context-encoding.js";
export { ContextFile, isContextFile } from "./context-file.js";
export { deferredSandbox } from "./deferred-sandbox.js";
export { answerHostCall, type HostCallHandlers, type HostReply } from "./host-calls.js";
export { type BwrapOptions, bwrapAvailable, bwrapCommand, createProcessSandbox } from "./process/index.js";
export { snapshotWritesSettled } from "./pyodide/snapshot-store.js";
export { driverPath, pythonDirectory } from "./python-files.js";
export { REPL, REPL_NAMES, type ReplName } from "./repl-names.js";
export {
  DEFAULT_RUNTIME,
  SANDBOX_RUNTIMES,
  type SandboxRuntimeName,
  USER_RUNTIMES,
  type UserRuntimeName,
} from "./runtimes.js";
export { cutMarker, HeadTailCollector, truncateHeadTail } from "./truncate.js";
export type * from "./types.js";

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const name = options.runtime ?? DEFAULT_RUNTIME;
  const entry = runtimeEntry(name);
  if (entry === undefined) {
    throw new RlmError("sandbox-unknown-runtime", `unknown sandbox runtime ${JSON.stringify(name)}`, {
      hint: `Use runtime ${describeUserRuntimes()}.`,
    });
  }
  return createCoreSandbox(await entry.runtime(options), options);
}
