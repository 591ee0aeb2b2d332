/**
 * The `process` sandbox runtime: native CPython in a child process speaking JSON lines over stdio
 * (`python/process_main.py`), started by a configurable launch command to which the path of
 * `process_main.py` is appended. What isolates the code is the launcher's, not Python's:
 * - default `python3` (resolved to its real executable): native speed, every installed package, no
 *   isolation at all: trusted code only;
 * - `bwrapCommand()`: Linux namespaces via bubblewrap: no network (not even the host's loopback),
 *   read-only /usr + Python + driver folder, sized /tmp and /dev/shm (everything else read-only),
 *   no other host file, running as nobody with no capabilities, an empty environment;
 * - Docker (untested here: no daemon on the build machine): `["docker", "run", "-i", "--rm",
 *   "--network", "none", "-v", `${pythonDirectory()}:${pythonDirectory()}:ro`, "python:3.11-slim",
 *   "python3"]`; the driver's folder must be mounted at the same path.
 * Whatever the launcher: the child's environment is built from nothing (no API keys), each process
 * has RLIMIT_AS, and where the host lets us make a cgroup (cgroup.ts) all of the sandbox's
 * processes together are held to `memoryMb` and PROCESS_DEFAULTS.maxTasks.
 * Contexts are streamed over stdin (no shared temp file), so any launcher works.
 */

import { createCoreSandbox } from "../core/sandbox-core.js";
import type { Sandbox, SandboxOptions } from "../types.js";
import { processRuntime } from "./process-runtime.js";

export { type BwrapOptions, bwrapAvailable, bwrapCommand } from "./bwrap.js";
export { PROCESS_DEFAULTS, processRuntime } from "./process-runtime.js";

export async function createProcessSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return createCoreSandbox(processRuntime(options), options);
}
