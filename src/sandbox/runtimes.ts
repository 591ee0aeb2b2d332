/**
 * The one list of sandbox runtimes. Each is imported only when asked for, so using `process` never
 * loads WebAssembly (and config/CLI validation, which reads the names here, loads none).
 *
 * To add a runtime (a remote or container one): write its transport and `SandboxRuntime` in one
 * file (see core/transport.ts; process/process-runtime.ts is the smallest real one), add its line
 * here, and run the shared contract suite against it (common.case.ts). The sandbox core does the rest.
 */

import type { SandboxRuntime } from "./core/transport.js";
import type { SandboxOptions } from "./types.js";

interface RuntimeEntry {
  /** For help texts and errors. */
  summary: string;
  /** Offered to users (config file, `--sandbox`); false: for tests only. */
  forUsers: boolean;
  runtime(options: SandboxOptions): Promise<SandboxRuntime>;
}

export const SANDBOX_RUNTIMES = {
  pyodide: {
    summary: "CPython in locked-down WebAssembly (default)",
    forUsers: true,
    runtime: async (options) => (await import("./pyodide/index.js")).pyodideRuntimeFor(options),
  },
  process: {
    summary: "native python3 via a launcher (python3, bwrap, docker)",
    forUsers: true,
    runtime: async (options) => (await import("./process/index.js")).processRuntime(options),
  },
  memory: {
    summary: "a fake Python in JavaScript, for tests that are not about Python",
    forUsers: false,
    runtime: async (options) => (await import("./memory/index.js")).memoryRuntime(options),
  },
} as const satisfies Record<string, RuntimeEntry>;

export type SandboxRuntimeName = keyof typeof SANDBOX_RUNTIMES;

/** The runtimes a user may choose. */
export type UserRuntimeName = {
  [Name in SandboxRuntimeName]: (typeof SANDBOX_RUNTIMES)[Name]["forUsers"] extends true ? Name : never;
}[SandboxRuntimeName];

export const DEFAULT_RUNTIME: UserRuntimeName = "pyodide";

/** The names config and CLI accept, in this list's order (a tuple, as `z.enum` and `choices` want). */
export const USER_RUNTIMES = (Object.keys(SANDBOX_RUNTIMES) as SandboxRuntimeName[]).filter(
  (name) => SANDBOX_RUNTIMES[name].forUsers,
) as [UserRuntimeName, ...UserRuntimeName[]];

export function runtimeEntry(name: string): RuntimeEntry | undefined {
  return Object.hasOwn(SANDBOX_RUNTIMES, name) ? SANDBOX_RUNTIMES[name as SandboxRuntimeName] : undefined;
}

/** "pyodide (CPython in ...) or process (...)": what a user may choose, for hints. */
export function describeUserRuntimes(): string {
  return USER_RUNTIMES.map((name) => `"${name}" (${SANDBOX_RUNTIMES[name].summary})`).join(" or ");
}
