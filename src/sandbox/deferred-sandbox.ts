import type { SandboxRuntimeName } from "./runtimes.js";
import type { Sandbox } from "./types.js";

/**
 * A sandbox that is still starting, usable at once: each call waits until `prepared` (the start,
 * and whatever must run first, such as loading the context), then goes to the sandbox `started`
 * gives. It lets work that needs no Python (a run's first model call) begin while Python boots. A
 * failed start or preparation fails each call with its own error; `close` closes what started,
 * even when the preparation failed.
 */
export function deferredSandbox(
  runtime: SandboxRuntimeName,
  started: Promise<Sandbox>,
  prepared: Promise<unknown> = started,
): Sandbox {
  // Observed here so that a failure nobody calls into afterwards is not an unhandled rejection.
  started.catch(() => undefined);
  prepared.catch(() => undefined);
  const ready = async (): Promise<Sandbox> => {
    await prepared;
    return started;
  };
  return {
    runtime,
    load: async (context, options) => (await ready()).load(context, options),
    exec: async (code, options) => (await ready()).exec(code, options),
    getVar: async (name) => (await ready()).getVar(name),
    close: async () => {
      const sandbox = await started.catch(() => undefined);
      await sandbox?.close();
    },
  };
}
