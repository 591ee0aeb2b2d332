/**
 * End to end, one small simulated run per named task: the real engine, sandbox (Pyodide), model
 * client and pool against the fake OpenAI-compatible server whose policies are the simulated
 * models. The scores test the system: the simulations are exact, so anything below 1 is a bug.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelPool } from "../../src/models/pool/create-model-pool.js";
import type { RLM } from "../../src/rlm/index.js";
import { TASKS } from "../tasks/index.js";
import { parseCommand } from "./cli.js";
import { runDirect } from "./direct.js";
import { createBenchRlm, runRlm } from "./run-rlm.js";
import { type SimulatedBackend, startSimulatedBackend } from "./simulated-backend.js";
import type { RunnerSettings } from "./types.js";

let backend: SimulatedBackend;
let settings: RunnerSettings;
let rlm: RLM;

beforeAll(async () => {
  backend = await startSimulatedBackend();
  const out = join(mkdtempSync(join(tmpdir(), "bench-runner-")), "report.json");
  settings = {
    simulated: true,
    model: backend.root,
    subModel: backend.sub,
    directModel: backend.direct,
    tasks: [],
    sizes: [],
    seed: 1,
    samples: 1,
    maxDepth: 1,
    concurrency: 8,
    maxIterations: 8,
    runtime: "pyodide",
    directory: undefined,
    questions: 1,
    prices: undefined,
    directWindow: undefined,
    timeoutMs: undefined,
    out,
    traceDirectory: out.replace(/\.json$/, ""),
  };
  rlm = createBenchRlm(settings);
});

afterAll(async () => {
  await rlm?.close();
  await backend?.close();
});

describe.each([
  ["linear", 0, 0],
  ["delegate", 1, 1],
  ["parallel", 8, 64],
  ["niah", 0, 0],
  ["oolong", 1, 64],
  ["oolong-pairs", 1, 64],
  ["codebase", 0, 0],
])("simulated %s run", (name, minSubCalls, maxSubCalls) => {
  it("answers correctly through the real engine, with the expected kind of work", async () => {
    const instance = await TASKS[name]!.generate({ seed: 2, chars: 45_000, questions: 1 });
    const question = instance.questions[0]!;
    backend.pose(question);
    const run = await runRlm(rlm, settings, instance.context, question, `${name}-test`);
    expect({ score: run.score, stop: run.stopReason, answer: run.answer }).toMatchObject({
      score: 1,
      stop: "answer",
    });
    expect(run.subCalls).toBeGreaterThanOrEqual(minSubCalls);
    expect(run.subCalls).toBeLessThanOrEqual(maxSubCalls);
    expect(run.rootTokens).toBeGreaterThan(0);
    if (minSubCalls > 0) expect(run.subTokens).toBeGreaterThan(0);
    // The trajectory is saved: metadata, the turns, the result.
    expect(run.trajectory[0]).toMatchObject({ type: "metadata", query: question.query });
    expect(run.trajectory.at(-1)).toMatchObject({ type: "result", stop_reason: "answer" });
  });
});

describe("the direct baseline", () => {
  it("sees only what fits the window and says so", async () => {
    const pool = createModelPool();
    try {
      const instance = await TASKS.delegate!.generate({ seed: 2, chars: 45_000 });
      const question = instance.questions[0]!;
      backend.pose(question);
      const whole = await runDirect(pool, backend.direct, instance.context, question, undefined);
      expect(whole).toMatchObject({ truncated: false, score: 1 });
      expect(whole.promptTokens).toBeGreaterThan(10_000);
      const cut = await runDirect(pool, backend.direct, instance.context, question, 4_096);
      expect(cut.truncated).toBe(true);
      expect(cut.contextChars).toBe((4_096 - 2_048) * 3 - question.query.length);
    } finally {
      await pool.close();
    }
  });
});

describe("command line", () => {
  it("defaults to a simulated run of every task at small sizes", () => {
    const { settings: parsed } = parseCommand([]);
    expect(parsed).toMatchObject({ simulated: true, sizes: [45_000, 200_000], runtime: "pyodide" });
    expect(parsed.tasks).toEqual(Object.keys(TASKS));
  });

  it("reads a real-model run and rejects bad options with a hint", () => {
    const { settings: parsed } = parseCommand([
      "--task",
      "niah,oolong",
      "--sizes",
      "45k,1M",
      "--model",
      "ollama:qwen3:4b",
      "--sub-model",
      "ollama:qwen3:1.7b",
      "--baseline",
      "direct",
    ]);
    expect(parsed).toMatchObject({
      simulated: false,
      model: "ollama:qwen3:4b",
      subModel: "ollama:qwen3:1.7b",
      baseline: "direct",
      tasks: ["niah", "oolong"],
      sizes: [45_000, 1_000_000],
    });
    expect(() => parseCommand(["--task", "nope"])).toThrow(/unknown task/);
    expect(() => parseCommand(["--baseline", "other"])).toThrow(/unknown baseline/);
    expect(() => parseCommand(["--concurrency", "-1"])).toThrow(/positive number/);
  });
});
