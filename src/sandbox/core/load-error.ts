/**
 * Turns a failed context load into an error a user can act on (every runtime): a context that does
 * not fit the memory cap (a MemoryError, or the Python ending while it loads) names the cap and the
 * size.
 */

import { RlmError } from "../../errors/index.js";
import { megabytes } from "../context-encoding.js";

export function loadError(message: string, byteLength: number, memoryMb: number, ended: boolean): RlmError {
  if (ended || /MemoryError|memory cap/.test(message)) {
    return new RlmError(
      "sandbox-context-too-large",
      `a context of ${megabytes(byteLength)} does not fit under the sandbox's memory cap of ${memoryMb} MB: ${message}`,
      {
        hint: `Keep it on disk as a lazy context (ContextFile.open(path); rlm ask does it above 256 MB), or raise sandbox.memoryMb (now ${memoryMb}).`,
      },
    );
  }
  return new RlmError(
    "sandbox-load-failed",
    `loading the context (${megabytes(byteLength)}) failed: ${message}`,
    {
      hint: "Check the context's type (string, string[] or Record<string, string>) and the variable name.",
    },
  );
}
