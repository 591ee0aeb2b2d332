import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIncidentLog, type IncidentLog } from "../demo/index.js";
import { readTrajectory } from "../trace/index.js";
import type { IterationRecord } from "../trace/types.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli, startCli } from "./__fixtures__/run-cli.js";

/**
 * `rlm demo`, run as users run it: the built binary, in a clean environment with no model server
 * anywhere. The answer must name the incidents the generator planted for the seed (computed here
 * from the generator, not written down), and stderr must say the models are scripted.
 */

let directory: string;
let environment: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  directory = await mkdtemp(join(tmpdir(), "rlm-demo-cli-"));
  environment = cleanEnvironment(directory, {});
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function expectAnswerNames(stdout: string, log: IncidentLog): void {
  expect(stdout).toMatch(/^3 incidents were opened:\n/);
  for (const incident of log.incidents) {
    expect(stdout).toContain(
      `${incident.id} at ${incident.time}: ${incident.symptom}; root cause: ${incident.cause}`,
    );
  }
}

function subCalls(iterations: IterationRecord[]): number {
  return iterations.reduce(
    (total, iteration) =>
      total + iteration.code_blocks.reduce((sum, block) => sum + block.result.rlm_calls.length, 0),
    0,
  );
}

function expectScriptedBanner(stderr: string): void {
  expect(stderr).toContain(
    "rlm demo: SCRIPTED MODELS. This run shows the machinery, not a real model's accuracy.",
  );
  expect(stderr).toContain("(scripted:demo) are a built-in script, not a language model");
}

describe("rlm demo (built binary, no model server)", () => {
  it("answers over the generated log in the process sandbox, says it is scripted, and writes a trajectory", async () => {
    const trace = join(directory, "demo.jsonl");
    const result = await runCli(
      ["demo", "--sandbox", "process", "--seed", "42", "--size", "120K", "--trace", trace],
      {
        env: environment,
        cwd: directory,
      },
    );
    expect(result.stderr).not.toContain("warning");
    expect(result.code).toBe(0);
    const log = generateIncidentLog({ size: 120_000, seed: 42 });
    expectAnswerNames(result.stdout, log);
    expectScriptedBanner(result.stderr);
    expect(result.stderr).toContain("The answer names 3 of the 3 incidents planted for seed 42");
    expect(result.stderr).toContain(`rlm view ${trace}\n`);
    // Piped: a plain progress line per turn.
    expect(result.stderr).toMatch(/\[rlm\] turn 3 · sub-calls (\d+)\/\1 · /);

    const trajectory = await readTrajectory(trace);
    expect(trajectory.runs).toHaveLength(1);
    const run = trajectory.runs[0]!;
    expect(run.metadata).toMatchObject({
      root_model: "scripted:demo",
      sub_model: "scripted:demo",
      query: log.question,
    });
    expect(run.metadata.context.total_chars).toBe(log.text.length);
    expect(run.iterations.length).toBeGreaterThanOrEqual(4);
    const code = run.iterations
      .flatMap((iteration) => iteration.code_blocks.map((block) => block.code))
      .join("\n");
    expect(code).toContain("llm_query_batched(");
    const calls = subCalls(run.iterations);
    expect(calls).toBeGreaterThan(1);
    expect(run.result).toMatchObject({
      stop_reason: "answer",
      sub_calls: calls,
      answer: result.stdout.trimEnd(),
    });
  }, 120_000);

  it("runs in the default pyodide sandbox, with the trajectory under the temp directory by default", async () => {
    const started = performance.now();
    const result = await runCli(["demo", "-q", "--seed", "7"], { env: environment, cwd: directory });
    const seconds = (performance.now() - started) / 1000;
    expect(result.code).toBe(0);
    expectAnswerNames(result.stdout, generateIncidentLog({ size: 300_000, seed: 7 }));
    expectScriptedBanner(result.stderr);
    expect(result.stderr).toContain("sandbox:  pyodide");
    const trace = /rlm demo: trajectory: (.+)\n/.exec(result.stderr)?.[1] ?? "";
    expect(trace.startsWith(tmpdir())).toBe(true);
    expect(result.stderr).toContain(`rlm view ${trace}`);
    expect(existsSync(trace)).toBe(true);
    expect((await readTrajectory(trace)).runs[0]?.result?.stop_reason).toBe("answer");
    // Offline in under 30 s on a two-core machine, with room for the other test workers.
    expect(seconds).toBeLessThan(60);
    await rm(join(trace, ".."), { recursive: true, force: true });
  }, 120_000);

  it("serves the viewer on the trajectory with --view, until interrupted", async () => {
    const trace = join(directory, "viewed.jsonl");
    const { child, done } = startCli(
      ["demo", "-q", "--sandbox", "process", "--size", "40K", "--trace", trace, "--view", "--port", "0"],
      { env: environment, cwd: directory },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!/ at (http:\S+)/.test(stderr) && child.exitCode === null && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const url = / at (http:\S+)/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      const page = await fetch(url as string);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
      const served = await fetch(new URL("/trace.jsonl", url));
      expect(await served.text()).toBe(await readFile(trace, "utf8"));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill("SIGINT");
    }
    expect((await done).code).toBe(0);
  }, 120_000);

  it("refuses a size out of range", async () => {
    const result = await runCli(["demo", "--size", "5K"], { env: environment, cwd: directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Expected a size from 20K to 20M characters");
  });
});
