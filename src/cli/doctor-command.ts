import { type Command, Option } from "commander";
import { resolveConfig } from "../config/index.js";
import { USER_RUNTIMES } from "../sandbox/runtimes.js";
import { checkSandbox } from "./doctor/check-sandbox.js";
import { formatChecks, runDoctor } from "./doctor/run-doctor.js";
import { EXIT } from "./exit-codes.js";
import { duration } from "./parse-options.js";
import { addModelOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/** `rlm doctor`: checks the configuration, each configured backend and model, and the sandbox. */

interface DoctorOptionValues extends SharedOptionValues {
  json?: boolean;
  sandboxCheck?: boolean;
  checkTimeout?: number;
}

export function addDoctorCommand(program: Command): void {
  const command = program
    .command("doctor")
    .description("check the backends, the models and the sandbox, and say what to fix")
    .option("--json", "print the checks as JSON")
    .option("--check-timeout <duration>", "how long to wait for each backend (default 5s)", duration)
    .addOption(new Option("--no-sandbox-check", "skip booting the sandbox"))
    .addOption(new Option("--sandbox <runtime>", "sandbox runtime to check").choices(USER_RUNTIMES));
  addModelOptions(command).action(async (values: DoctorOptionValues) => {
    const config = await resolveConfig(toConfigFlags(values));
    const checks = await runDoctor(config, {
      timeoutMs: values.checkTimeout,
      ...(values.sandboxCheck === false
        ? {}
        : { checkSandbox: (resolved) => checkSandbox(resolved.sandbox) }),
    });
    process.stdout.write(values.json ? `${JSON.stringify({ checks }, null, 2)}\n` : formatChecks(checks));
    process.exitCode = checks.some((check) => check.status === "fail") ? EXIT.internal : EXIT.ok;
  });
}
