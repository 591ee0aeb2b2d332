/**
 * Validates what the Python driver's entry points return (shared by every runtime), so a runtime
 * never passes on a malformed reply: `_rlm_exec` -> the driver's part of an `ExecResult`,
 * `_rlm_load_finish` / `_rlm_load_bytes` -> the driver's part of a `LoadInfo`.
 */

import { z } from "zod";

/** The driver's entry points a runtime's transport calls (`_rlm_load_*` are each transport's own). */
export type DriverMethod = "_rlm_exec" | "_rlm_get_var" | "_rlm_set_tools" | "_rlm_load_lazy";

export const driverExecSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable(),
  answer: z.string().nullable(),
  variables: z.array(z.object({ name: z.string(), type: z.string(), size: z.number() })),
});

export type DriverExec = z.infer<typeof driverExecSchema>;

const isText = (value: unknown): value is string => typeof value === "string";
const isTextOrNull = (value: unknown) => value === null || typeof value === "string";

/**
 * `_rlm_exec`'s reply, checked by hand first (every turn runs it: zod took ~40 µs of a ~2 ms turn);
 * anything the hand check does not accept goes to zod, for its message.
 */
export function parseDriverExec(value: unknown): DriverExec {
  const candidate = value as Partial<Record<keyof DriverExec, unknown>> | null;
  const wellFormed =
    typeof candidate === "object" &&
    candidate !== null &&
    isText(candidate.stdout) &&
    isText(candidate.stderr) &&
    isTextOrNull(candidate.error) &&
    isTextOrNull(candidate.answer) &&
    Array.isArray(candidate.variables) &&
    candidate.variables.every((variable: { name?: unknown; type?: unknown; size?: unknown } | null) => {
      return (
        typeof variable === "object" &&
        variable !== null &&
        isText(variable.name) &&
        isText(variable.type) &&
        typeof variable.size === "number"
      );
    });
  return wellFormed ? (value as DriverExec) : driverExecSchema.parse(value);
}

export const driverLoadSchema = z.object({
  variable: z.string(),
  type: z.enum(["str", "list", "dict"]),
  totalChars: z.number(),
  partLengths: z.array(z.number()),
  keys: z.array(z.string()).optional(),
  json: z.boolean().optional(),
  lazy: z.boolean().optional(),
  replacedBytes: z.number(),
  elapsedMs: z.number(),
});

export type DriverLoad = z.infer<typeof driverLoadSchema>;

export const driverGetVarSchema = z.object({ found: z.boolean(), value: z.string() });
