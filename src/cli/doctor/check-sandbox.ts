import type { SandboxSettings } from "../../config/index.js";
import { isRlmError } from "../../errors/index.js";
import { createSandbox } from "../../sandbox/index.js";
import type { Check } from "./check.js";

/** Boots the configured sandbox and runs `print(1+1)`: the smallest proof that Python works there. */
export async function checkSandbox(settings: SandboxSettings): Promise<Check> {
  const name = `sandbox (${settings.runtime}${settings.command ? `: ${settings.command.join(" ")}` : ""})`;
  const started = performance.now();
  let sandbox: Awaited<ReturnType<typeof createSandbox>> | undefined;
  try {
    sandbox = await createSandbox({ ...settings, timeoutMs: Math.max(settings.timeoutMs ?? 0, 60_000) });
    const result = await sandbox.exec("print(1+1)");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.stdout.trim() === "2")
      return { name, status: "ok", detail: `print(1+1) printed 2 (booted and ran in ${seconds} s).` };
    return {
      name,
      status: "fail",
      detail: `print(1+1) printed ${JSON.stringify(result.stdout.trim())}${result.error ? `, error: ${result.error}` : ""}.`,
      fix: "Report this as a bug, with the output of rlm doctor.",
    };
  } catch (error) {
    const message = isRlmError(error)
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
    const fix =
      isRlmError(error) && error.hint
        ? error.hint
        : settings.runtime === "process"
          ? "Install python3 (or fix sandbox.command in the config file), or use --sandbox pyodide."
          : "Reinstall the package (npm ci) so the pyodide files are complete.";
    return { name, status: "fail", detail: `The sandbox did not start: ${message}`, fix };
  } finally {
    await sandbox?.close().catch(() => undefined);
  }
}
