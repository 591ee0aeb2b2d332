/**
 * Wall time is a hard wall: against a backend that accepts requests and never answers, a run with
 * `timeoutMs` ends within that plus `finalAnswerGraceMs` (not the best-answer call's own 120 s),
 * with stop reason `timeout`, whatever best answer exists, and the trajectory kept. An exec
 * blocked in `llm_query` on the hung backend is cut at the wall too. Timings are loose on purpose
 * (the machine is shared): the point is seconds, not two minutes.
 */

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FakePolicy, FakeReply } from "../../test/fakes/types.js";
import { code, lastUserMessage } from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import type { Limits } from "../budget/index.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli } from "../cli/__fixtures__/run-cli.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

const CONTEXT = "one two three four five six seven eight nine ten ".repeat(50);
/** Far below the best-answer call's own 120 s timeout, far above 2 s + 1 s on a busy machine. */
const WELL_UNDER_MS = 15_000;

/** Accepts the request and never answers. */
const hang = (): Promise<FakeReply> => new Promise(() => undefined);

function isLastCall(request: Parameters<FakePolicy>[0]): boolean {
  return lastUserMessage(request).includes("Stop: ");
}

async function run(root: FakePolicy, sub: FakePolicy, limits: Limits) {
  const models = await testModels({ root, sub });
  const trace = traceFile("wall-time");
  const rlm = new RLM({
    model: models.spec("root"),
    subModel: models.spec("sub"),
    sandbox: { runtime: "process" },
    trace,
    limits,
  });
  // Python starts before the clock does, so a slow start on a busy machine is not measured.
  await rlm.warm();
  const started = performance.now();
  const result = await rlm.completion(CONTEXT, "Count the words.");
  const elapsedMs = performance.now() - started;
  await rlm.close();
  return { result, elapsedMs, trajectory: await readTrajectory(trace) };
}

describe("wall time", () => {
  it("a hung root backend: the run ends at timeout + grace with stop reason timeout and no answer", async () => {
    const { result, elapsedMs, trajectory } = await run(hang, hang, {
      timeoutMs: 2000,
      finalAnswerGraceMs: 1000,
    });
    expect(result).toMatchObject({ stopReason: "timeout", answer: "" });
    expect(result.error).toMatch(/No best answer came within the 1000 ms grace after the time limit/);
    expect(elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(elapsedMs).toBeLessThan(WELL_UNDER_MS);
    expect(trajectory.runs[0]?.result).toMatchObject({ stop_reason: "timeout", answer: "" });
  });

  it("an exec blocked in llm_query on a hung sub backend is cut at the wall; the best answer still comes", async () => {
    const root: FakePolicy = (request) =>
      isLastCall(request) ? { text: "FINAL(best so far)" } : { text: code("print(llm_query('read this'))") };
    const { result, elapsedMs, trajectory } = await run(root, hang, {
      timeoutMs: 2000,
      finalAnswerGraceMs: 1000,
    });
    expect(result).toMatchObject({ stopReason: "timeout", answer: "best so far", subCalls: 1 });
    expect(elapsedMs).toBeLessThan(WELL_UNDER_MS);
    const iterations = trajectory.runs[0]?.iterations ?? [];
    expect(iterations).toHaveLength(2);
    const calls = iterations[0]?.code_blocks[0]?.result.rlm_calls ?? [];
    expect(calls).toHaveLength(1);
    expect(calls[0]?.error).toBeDefined();
    expect(iterations[1]).toMatchObject({ stop_reason: "timeout", final_answer: "best so far" });
  });

  it("the grace runs out on a hung best-answer call: empty answer, every turn kept in the trajectory", async () => {
    const root: FakePolicy = (request) =>
      isLastCall(request) ? hang() : { text: code("print(llm_query('read this'))") };
    const { result, elapsedMs, trajectory } = await run(root, hang, {
      timeoutMs: 2000,
      finalAnswerGraceMs: 1000,
    });
    expect(result).toMatchObject({ stopReason: "timeout", answer: "", iterations: 1 });
    expect(elapsedMs).toBeLessThan(WELL_UNDER_MS);
    const run0 = trajectory.runs[0];
    expect(run0?.iterations).toHaveLength(1);
    expect(run0?.iterations[0]?.code_blocks[0]?.result.rlm_calls).toHaveLength(1);
    expect(run0?.result?.error).toMatch(/grace after the time limit/);
  });

  it("after another limit, the best-answer call ends at the wall plus the grace too", async () => {
    const root: FakePolicy = (request) =>
      isLastCall(request) ? hang() : { text: code("print(len(context))") };
    const { result, elapsedMs } = await run(root, hang, {
      maxIterations: 1,
      timeoutMs: 2000,
      finalAnswerGraceMs: 1000,
    });
    expect(result).toMatchObject({ stopReason: "max-iterations", answer: "" });
    expect(result.error).toMatch(/No best answer came within the time limit plus its 1000 ms grace/);
    expect(elapsedMs).toBeLessThan(WELL_UNDER_MS);
  });

  it(
    "rlm ask --timeout 2s --final-answer-grace 1s against a hung backend: exit 6 within seconds",
    async () => {
      await ensureBuilt();
      const models = await testModels({ root: hang, sub: hang });
      const home = await mkdtemp(join(tmpdir(), "rlm-wall-"));
      try {
        await mkdir(join(home, ".config", "rlm"), { recursive: true });
        await writeFile(
          join(home, ".config", "rlm", "config.json"),
          JSON.stringify({ sandbox: { runtime: "process" } }),
        );
        await writeFile(join(home, "notes.md"), "The vault code is 4471.\n");
        const env = cleanEnvironment(home, {
          RLM_MODEL: models.spec("root"),
          RLM_SUB_MODEL: models.spec("sub"),
        });
        const started = performance.now();
        const result = await runCli(
          [
            "ask",
            "What is the code?",
            "notes.md",
            "-q",
            "--no-check",
            "--timeout",
            "2s",
            "--final-answer-grace",
            "1s",
          ],
          { env, cwd: home },
        );
        expect(performance.now() - started).toBeLessThan(WELL_UNDER_MS + 5_000);
        expect(result.stderr).toContain(
          "rlm: stopped by timeout before the model submitted an answer; there is no best answer: The last call for an answer failed: No best answer came within the 1000 ms grace after the time limit.",
        );
        expect(result.code).toBe(6);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
    BUILD_TIMEOUT_MS,
  );
});
