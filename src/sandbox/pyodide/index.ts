/**
 * The `pyodide` sandbox runtime: CPython compiled to WebAssembly (npm `pyodide`, fully offline) in
 * its own worker thread, locked down (no host filesystem, network or JavaScript), with a blocking
 * `llm_query` bridge over SharedArrayBuffer + Atomics.wait, contexts streamed through shared memory
 * straight into the Python objects that keep them (context-stream.ts), per-exec timeouts
 * (interrupt, then kill and restart), a memory cap and an output cap.
 * Starts come from a cached memory snapshot when possible.
 */
import { createCoreSandbox } from "../core/sandbox-core.js";
import type { SandboxRuntime } from "../core/transport.js";
import type { Sandbox, SandboxOptions } from "../types.js";
import { pyodideRuntime } from "./pyodide-runtime.js";
import { resolveSettings } from "./settings.js";

export { pyodideRuntime } from "./pyodide-runtime.js";

export function pyodideRuntimeFor(options: SandboxOptions): SandboxRuntime {
  return pyodideRuntime(resolveSettings(options));
}

export async function createPyodideSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return createCoreSandbox(pyodideRuntimeFor(options), options);
}
