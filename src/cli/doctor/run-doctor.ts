import type { RlmConfig } from "../../config/index.js";
import type { Check } from "./check.js";
import { checkModel } from "./check-model.js";

/**
 * `rlm doctor`: the config in use, every configured model (reachable? pulled? answers a real call?
 * for llama.cpp: loaded, its window holds the root's opening prompt), and the sandbox, as a
 * checklist. "All good" only after every model answered a call and Python ran. The sandbox check
 * is passed in so that a caller can skip booting Python.
 */

export interface DoctorOptions {
  timeoutMs?: number;
  checkSandbox?: (config: RlmConfig) => Promise<Check>;
}

export async function runDoctor(config: RlmConfig, options: DoctorOptions = {}): Promise<Check[]> {
  const checks: Check[] = [
    {
      name: "config",
      status: "ok",
      detail: config.configLoaded
        ? `read ${config.configPath}`
        : `no file at ${config.configPath} (defaults, environment and flags apply)`,
    },
  ];
  const models: [string, string, boolean][] = [
    [`root model ${config.model} (from ${config.origins.model})`, config.model, true],
  ];
  if (config.subModel !== config.model) {
    models.push([`sub-model ${config.subModel} (from ${config.origins.subModel})`, config.subModel, false]);
  }
  const modelChecks = await Promise.all(
    models.map(([label, spec, root]) =>
      checkModel(spec, label, {
        environment: config.environment,
        timeoutMs: options.timeoutMs,
        llamacpp: config.llamacpp,
        root,
        call: true,
      }),
    ),
  );
  checks.push(...modelChecks);
  if (options.checkSandbox) checks.push(await options.checkSandbox(config));
  return checks;
}

const MARKS = { ok: "✓", warn: "!", fail: "✗" } as const;

export function formatChecks(checks: Check[]): string {
  const lines = checks.map((check) => {
    const head = `${MARKS[check.status]} ${check.name}: ${check.detail}`;
    return check.fix && check.status !== "ok" ? `${head}\n    fix: ${check.fix}` : head;
  });
  const failures = checks.filter((check) => check.status === "fail").length;
  const warnings = checks.filter((check) => check.status === "warn").length;
  const summary =
    failures > 0
      ? `${failures} problem${failures === 1 ? "" : "s"} to fix${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}.`
      : warnings > 0
        ? `Ready, with ${warnings} warning${warnings === 1 ? "" : "s"}.`
        : "All good: rlm is ready.";
  return `${lines.join("\n")}\n${summary}\n`;
}
