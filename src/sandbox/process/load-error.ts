/**
 * Turns a failed context load into an error a user can act on: a context that does not fit the
 * memory cap (a MemoryError, or the child dying while it loads) names the cap and the size.
 */

import { RlmError } from "../../errors/index.js";

export function loadError(error: unknown, size: number, memoryMb: number): RlmError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("MemoryError") || (error instanceof RlmError && error.code === "sandbox-crashed")) {
    return new RlmError(
      "sandbox-context-too-large",
      `a context of ${size} bytes does not fit under the sandbox's memory cap of ${memoryMb} MB (${message})`,
      { hint: "Raise sandbox.memoryMb, or split the context and load it in parts.", cause: error },
    );
  }
  return new RlmError("sandbox-load-failed", `loading the context failed: ${message}`, {
    hint: "Check the context's type (string, string[] or Record<string, string>) and the variable name.",
    cause: error,
  });
}
