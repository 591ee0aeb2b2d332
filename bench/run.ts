/**
 * `npm run bench`: task benchmarks (RLM vs. a direct call, per task and size) or, with `--system`,
 * the system speed benchmark. Without arguments it runs every task at small sizes against the
 * SIMULATED models and exits 0 only if every simulated score is the expected 1, so CI can run it.
 */

import { isRlmError } from "../src/errors/index.js";
import { readSavedResults, writeHtmlReport } from "./report/write-report.js";
import { parseCommand } from "./runner/cli.js";
import { simulatedFailures } from "./runner/report.js";
import { runTasks } from "./runner/run-tasks.js";
import { type SimulatedBackend, startSimulatedBackend } from "./runner/simulated-backend.js";
import type { RunnerSettings } from "./runner/types.js";
import { SIMULATION_NOTE } from "./runner/types.js";

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.system) {
    const { runSystemBench } = await import("./system/main.js");
    return runSystemBench(command.rest);
  }
  const parsed = command.settings;
  if (parsed.from !== undefined) {
    const report = parsed.report ?? "report.html";
    writeHtmlReport(report, readSavedResults(parsed.from));
    console.log(`HTML report: ${report}`);
    return 0;
  }
  // The bare command is the CI check: simulated, with the direct baseline beside it. A simulated
  // report gets the baseline too (it costs nothing, and its charts are drawn against it).
  const baseline =
    argv.length === 0 || (parsed.simulated && parsed.report !== undefined) ? "direct" : parsed.baseline;
  let backend: SimulatedBackend | undefined;
  if (parsed.simulated) backend = await startSimulatedBackend();
  try {
    const model = backend?.root ?? parsed.model!;
    const settings: RunnerSettings = {
      ...parsed,
      model,
      subModel: backend?.sub ?? parsed.subModel ?? model,
      directModel: baseline === "direct" ? (backend?.direct ?? parsed.directModel ?? model) : undefined,
    };
    if (settings.simulated) console.log(`\n${SIMULATION_NOTE}`);
    const report = await runTasks(settings, backend);
    console.log(`\nReport with trajectories: ${settings.out}`);
    if (parsed.report !== undefined) {
      writeHtmlReport(parsed.report, { tasks: report });
      console.log(`HTML report: ${parsed.report}`);
    }
    const errors = report.results.filter((result) => result.rlm.stopReason === "error");
    if (errors.length > 0) {
      console.error(
        `${errors.length} question(s) ended with an error; the first: ${errors[0]!.rlm.error ?? "(no message)"}`,
      );
    }
    // With real models a score is a measurement, not a failure; a run where nothing worked is one.
    if (!settings.simulated) return errors.length === report.results.length && errors.length > 0 ? 1 : 0;
    const failures = simulatedFailures(report.results);
    for (const failure of failures) {
      console.error(
        `simulated ${failure.task} ${failure.questionId} scored ${failure.rlm.score.toFixed(3)} ` +
          `(${failure.rlm.stopReason}${failure.rlm.error ? `: ${failure.rlm.error}` : ""}); answer: ${failure.rlm.answer.slice(0, 200)}`,
      );
    }
    console.log(
      failures.length === 0
        ? "All simulated scores as expected (1.0)."
        : `${failures.length} simulated question(s) below 1.0.`,
    );
    return failures.length === 0 ? 0 : 1;
  } finally {
    await backend?.close();
  }
}

// Exit explicitly once the report is written: a handle left open by a closed sandbox (a worker's
// MessagePort) must not keep a finished benchmark alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
    if (isRlmError(error)) console.error(`bench: ${error.describe()}`);
    // commander has already printed its usage error.
    else if (!code.startsWith("commander.")) console.error(error);
    process.exit(2);
  },
);
