/**
 * The runner against an Ollama server, unchanged: the command a user runs on their own models
 * (`--model ollama:... --sub-model ollama:...`, the server from OLLAMA_HOST), here with a fake
 * Ollama on 127.0.0.1 speaking the real protocol and answering as the simulated models, so the run
 * can be checked. Nothing in the runner knows the server is scripted.
 */

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeOllama } from "../../test/fakes/index.js";
import type { FakeServer } from "../../test/fakes/types.js";
import { SIMULATED_DIRECT, SIMULATED_ROOT, SIMULATED_SUB, simulatedModels } from "../policies/index.js";
import { TASKS } from "../tasks/index.js";
import { SIMULATED_CONTEXT_WINDOW } from "./simulated-backend.js";
import type { BenchReport } from "./types.js";

const RUN = fileURLToPath(new URL("../run.ts", import.meta.url));
let server: FakeServer;

beforeAll(async () => {
  const models = simulatedModels();
  // The bench runs in another process: pose here the questions it will generate (seed 1, 45k).
  for (const name of ["linear", "delegate"]) {
    const instance = await TASKS[name]!.generate({ seed: 1, chars: 45_000, questions: 1 });
    for (const question of instance.questions) models.pose(question);
  }
  server = await startFakeOllama(models.policy, { contextLength: SIMULATED_CONTEXT_WINDOW });
});

afterAll(async () => {
  await server?.close();
});

/** Runs the bench command in a child process (the fake server answers from this one meanwhile). */
function bench(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", RUN, ...args],
      { env, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it("runs tasks against an Ollama server from OLLAMA_HOST and saves the report", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "bench-ollama-")), "report.json");
  const run = await bench(
    [
      ...["--task", "linear,delegate", "--sizes", "45k", "--questions", "1", "--baseline", "direct"],
      ...["--model", `ollama:${SIMULATED_ROOT}`, "--sub-model", `ollama:${SIMULATED_SUB}`],
      ...["--direct-model", `ollama:${SIMULATED_DIRECT}`, "--out", out],
    ],
    { ...process.env, OLLAMA_HOST: server.url },
  );
  expect(run.status, run.stderr).toBe(0);
  // A real-model run: no simulation banner, and the table names the models it used.
  expect(run.stdout).not.toContain("SIMULATED");
  expect(run.stdout).toContain("Task delegate");
  const report = JSON.parse(readFileSync(out, "utf8")) as BenchReport;
  expect(report.results.map((result) => [result.task, result.rlm.score])).toEqual([
    ["linear", 1],
    ["delegate", 1],
  ]);
  const delegate = report.results.find((result) => result.task === "delegate")!;
  expect(delegate.rlm.subCalls).toBeGreaterThan(0);
  // Every call went over the Ollama protocol, to the models named on the command line.
  const models = new Set(server.requests.map((request) => `${request.protocol}:${request.model}`));
  expect(models).toEqual(
    new Set([`ollama:${SIMULATED_ROOT}`, `ollama:${SIMULATED_SUB}`, `ollama:${SIMULATED_DIRECT}`]),
  );
}, 150_000);
