/**
 * The `process` sandbox runtime: native CPython in a child process speaking JSON lines over stdio,
 * started by a configurable launch command. Plain `python3` gives native speed and every installed
 * package but no isolation (trusted code only); `bwrapCommand()` runs it in Linux namespaces with no
 * network and a read-only filesystem; `docker run -i --network none ...` works the same way.
 */

import type { Sandbox, SandboxOptions } from "../types.js";
import { ProcessSandbox } from "./process-sandbox.js";

export { type BwrapOptions, bwrapAvailable, bwrapCommand } from "./bwrap.js";
export { PROCESS_DEFAULTS, ProcessSandbox } from "./process-sandbox.js";

export function createProcessSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return ProcessSandbox.create(options);
}
