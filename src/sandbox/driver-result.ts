/**
 * Validates what the Python driver's entry points return (shared by every runtime), so a runtime
 * never passes on a malformed reply: `_rlm_exec` -> the driver's part of an `ExecResult`,
 * `_rlm_load_finish` / `_rlm_load_bytes` -> the driver's part of a `LoadInfo`.
 */

import { z } from "zod";

export const driverExecSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable(),
  answer: z.string().nullable(),
  variables: z.array(z.object({ name: z.string(), type: z.string(), size: z.number() })),
});

export type DriverExec = z.infer<typeof driverExecSchema>;

export const driverLoadSchema = z.object({
  variable: z.string(),
  type: z.enum(["str", "list", "dict"]),
  totalChars: z.number(),
  partLengths: z.array(z.number()),
  keys: z.array(z.string()).optional(),
  replacedBytes: z.number(),
  elapsedMs: z.number(),
});

export type DriverLoad = z.infer<typeof driverLoadSchema>;

export const driverGetVarSchema = z.object({ found: z.boolean(), value: z.string() });
