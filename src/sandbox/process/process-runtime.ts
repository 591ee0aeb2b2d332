/**
 * The `process` runtime: native CPython in a child process behind a configurable launcher
 * (`python3`, `bwrap ...`, `docker run -i ...`). Its transport is the child itself
 * (python-child.ts); the sandbox core runs everything above it.
 */

import { DEFAULT_MAX_OUTPUT_CHARS, type SandboxRuntime } from "../core/transport.js";
import type { SandboxOptions } from "../types.js";
import { defaultPythonCommand } from "./default-python.js";
import { PythonChild } from "./python-child.js";

export const PROCESS_DEFAULTS = {
  command: ["python3"],
  timeoutMs: 60_000,
  /** RLIMIT_AS counts address space (thread stacks, allocator arenas), not just the heap: leave room. */
  memoryMb: 2048,
  maxOutputChars: DEFAULT_MAX_OUTPUT_CHARS,
  /**
   * Longest protocol line the host accepts from Python (UTF-8 bytes): far above any real message (an
   * exec's output is capped at maxOutputChars; a 32 MB prompt is millions of tokens, beyond every
   * model's window), so only a broken or hostile child reaches it. Python refuses to send a longer
   * getVar value or query (the call fails, state kept); a longer raw line kills the child.
   */
  maxMessageBytes: 32 * 1024 * 1024,
  /** Processes plus threads of one sandbox together, where a cgroup enforces it (see cgroup.ts). */
  maxTasks: 128,
  startTimeoutMs: 30_000,
};

export function processRuntime(options: SandboxOptions): SandboxRuntime {
  const memoryMb = options.memoryMb ?? PROCESS_DEFAULTS.memoryMb;
  return {
    name: "process",
    timeoutMs: options.timeoutMs ?? PROCESS_DEFAULTS.timeoutMs,
    memoryMb,
    start: async (onHostCall) =>
      PythonChild.start({
        command: options.command ?? (await defaultPythonCommand()),
        memoryMb,
        maxOutputChars: options.maxOutputChars ?? PROCESS_DEFAULTS.maxOutputChars,
        startTimeoutMs: PROCESS_DEFAULTS.startTimeoutMs,
        maxMessageBytes: PROCESS_DEFAULTS.maxMessageBytes,
        maxTasks: PROCESS_DEFAULTS.maxTasks,
        onHostCall,
      }),
  };
}
