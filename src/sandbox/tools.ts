/**
 * What the host offers Python besides the REPL's names: a tool is a `SandboxTool` (a described
 * handler), a plain JS function, or a plain JSON value (a dict, a string constant...), as the
 * official rlm's custom tools may be. `splitTools` turns them into the handlers the host calls and
 * the specs `_rlm_set_tools` defines in Python (a value is bound as it is). `pythonErrorName` keeps
 * a failed tool's exception type when it names a Python builtin exception (`ValueError`).
 */

import type { JsonValue, SandboxTool, ToolInput } from "./types.js";

export interface ToolSpec {
  name: string;
  description: string;
  /** Present for a value tool: Python binds it as it is. */
  value?: JsonValue;
}

export function isSandboxTool(tool: ToolInput): tool is SandboxTool {
  return (
    typeof tool === "object" &&
    tool !== null &&
    !Array.isArray(tool) &&
    typeof (tool as { handler?: unknown }).handler === "function"
  );
}

/** The handlers the host serves, and the specs Python defines (in the order given). */
export function splitTools(tools: Record<string, ToolInput> | undefined): {
  handlers: Record<string, SandboxTool>;
  specs: ToolSpec[];
} {
  const handlers: Record<string, SandboxTool> = {};
  const specs: ToolSpec[] = [];
  for (const [name, tool] of Object.entries(tools ?? {})) {
    if (isSandboxTool(tool)) {
      handlers[name] = tool;
      specs.push({ name, description: tool.description });
    } else if (typeof tool === "function") {
      const call = tool as (...args: unknown[]) => unknown;
      // Positional arguments as they are; keyword arguments, if any, as one last object.
      handlers[name] = {
        description: "",
        handler: ({ args, kwargs }) => call(...args, ...(Object.keys(kwargs).length > 0 ? [kwargs] : [])),
      };
      specs.push({ name, description: "" });
    } else {
      specs.push({ name, description: "", value: tool });
    }
  }
  return { handlers, specs };
}

/** `ValueError` for an error named so (a Python builtin exception name); undefined for a plain `Error`. */
export function pythonErrorName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name } = error;
  return name !== "Error" && /^[A-Z][A-Za-z]*(Error|Exception|Warning)$/.test(name) ? name : undefined;
}
