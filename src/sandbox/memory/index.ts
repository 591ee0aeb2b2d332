/** The `memory` runtime: a fake Python in JavaScript for tests that are not about Python. */

import { createCoreSandbox } from "../core/sandbox-core.js";
import type { Sandbox, SandboxOptions } from "../types.js";
import { memoryRuntime } from "./memory-runtime.js";

export { MemoryTransport, memoryRuntime } from "./memory-runtime.js";

export async function createMemorySandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return createCoreSandbox(memoryRuntime(options), options);
}
