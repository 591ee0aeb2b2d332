/**
 * Durable runs through the built `rlm` binary, judged at the boundary: a fake model server on
 * 127.0.0.1 counts every request, a real `rlm ask` is killed with SIGKILL in the middle of an
 * `llm_query_batched` fan-out, then resumed; then, with the server gone and a bare listener on its
 * port, `rlm replay` reproduces the answer without a single connection.
 */

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FakeServer } from "../../test/fakes/types.js";
import { fanOutPolicies, wordsContext } from "../../test/policies/durable.js";
import { testModels } from "../../test/policies/harness.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli, startCli } from "./__fixtures__/run-cli.js";

const QUERY = "How many words are there?";

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

function workspace(words: number) {
  const directory = mkdtempSync(join(tmpdir(), "rlm-durable-"));
  writeFileSync(join(directory, "words.txt"), wordsContext(words));
  return { directory, env: cleanEnvironment(directory, {}), trace: join(directory, "run.jsonl") };
}

const promptsOf = (server: FakeServer, model: string) =>
  server.requests
    .filter((request) => request.model === model)
    .map((request) => request.messages.at(-1)?.content ?? "");

/** The sub-call prompts the trajectory records as answered. */
function answeredPrompts(trace: string): string[] {
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((line) => line.startsWith('{"type":"call"'))
    .map((line) => JSON.parse(line) as { site: string; prompt?: string })
    .filter((call) => call.prompt !== undefined)
    .map((call) => call.prompt!);
}

/** Resolves once `count` requests for `model` have arrived. */
async function waitForRequests(server: FakeServer, model: string, count: number): Promise<void> {
  while (promptsOf(server, model).length < count) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A bare TCP listener on the port the fake server had: counts connections. */
async function listenerOn(port: number) {
  const server = createServer((socket) => socket.destroy());
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { connections: () => connections, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("rlm ask --resume and rlm replay (built binary)", () => {
  it("a run killed mid-fan-out resumes without paying twice, then replays with no connection", async () => {
    const words = 10_000;
    const { directory, env, trace } = workspace(words);
    const models = await testModels(fanOutPolicies({ subDelayMs: 30 }));
    const flags = [
      ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process"],
      ...["--concurrency", "4", "--no-check", "-q"],
    ];
    const run = startCli(["ask", QUERY, "words.txt", "--trace", trace, ...flags], { env, cwd: directory });
    // 100 chunks at 4 in flight and 30 ms each: kill it about a third of the way through.
    await waitForRequests(models.server, "sub", 30);
    run.child.kill("SIGKILL");
    const killed = await run.done;
    expect(killed.code).toBe(null);
    const paid = answeredPrompts(trace);
    expect(paid.length).toBeGreaterThanOrEqual(26);
    expect(paid.length).toBeLessThan(100);

    const resumed = await runCli(["ask", QUERY, "words.txt", "--resume", trace, ...flags], {
      env,
      cwd: directory,
    });
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^total=${words} picked=\\[`));
    // No sub-call that had answered was asked twice; every chunk was asked; at most 4 were asked
    // again (in flight at the kill).
    const asked = promptsOf(models.server, "sub");
    for (const prompt of paid) expect(asked.filter((other) => other === prompt)).toHaveLength(1);
    expect(new Set(asked).size).toBe(100);
    expect(asked.length).toBeLessThanOrEqual(104);
    // The root: turn 1 before the kill, turn 2 after; none in flight at the kill was lost or doubled.
    expect(promptsOf(models.server, "root")).toHaveLength(2);

    const { port } = new URL(models.server.url);
    await models.close();
    const listener = await listenerOn(Number(port));
    try {
      const replayed = await runCli(["replay", trace, "-q"], { env, cwd: directory });
      expect(replayed.stdout).toBe(resumed.stdout);
      expect(replayed.stderr).toMatch(
        /reproduced .*run\.jsonl: 102 model calls answered from the record, none sent/,
      );
      expect(replayed.code).toBe(0);
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
    }
  }, 120_000);

  it("a depth-2 run stopped by --max-iterations resumes with a higher limit; children are not asked again", async () => {
    const { directory, env, trace } = workspace(600);
    const models = await testModels(fanOutPolicies({ recursive: true, chunkChars: 720 }));
    const flags = [
      "-m",
      models.spec("root"),
      "-s",
      models.spec("sub"),
      "--sandbox",
      "process",
      "--no-check",
      "-q",
    ];
    const depth = ["--max-depth", "2"];
    const stopped = await runCli(
      ["ask", QUERY, "words.txt", "--trace", trace, ...depth, "--max-iterations", "1", ...flags],
      {
        env,
        cwd: directory,
      },
    );
    expect(stopped.code).toBe(6);
    const rootCalls = promptsOf(models.server, "root").length;
    // Turn 1, 5 children (one turn each), the last call for a best answer.
    expect(rootCalls).toBe(7);

    const resumed = await runCli(
      ["ask", QUERY, "words.txt", "--resume", trace, ...depth, "--max-iterations", "5", ...flags],
      {
        env,
        cwd: directory,
      },
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^total=600 /);
    // Only the root's turn 2 was sent.
    expect(promptsOf(models.server, "root")).toHaveLength(rootCalls + 1);

    await models.close();
    const replayed = await runCli(["replay", trace, "-q"], { env, cwd: directory });
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(resumed.stdout);
  }, 120_000);

  it("replay exits 7 with a diff when the record does not reproduce, and 3 for other inputs", async () => {
    const { directory, env, trace } = workspace(600);
    const models = await testModels(fanOutPolicies({ clock: true }));
    const flags = [
      "-m",
      models.spec("root"),
      "-s",
      models.spec("sub"),
      "--sandbox",
      "process",
      "--no-check",
      "-q",
    ];
    const asked = await runCli(["ask", QUERY, "words.txt", "--trace", trace, "--record-context", ...flags], {
      env,
      cwd: directory,
    });
    expect(asked.code).toBe(0);
    await models.close();
    const diverged = await runCli(["replay", trace, "-q"], { env, cwd: tmpdir() });
    expect(diverged.code).toBe(7);
    expect(diverged.stderr).toMatch(
      /did not reproduce[\s\S]*first difference: turn 1, block 1, stdout \(from line 2\)\n- \d+\n\+ \d+/,
    );

    writeFileSync(join(directory, "other.txt"), "something else");
    const other = await runCli(["replay", trace, "other.txt", "-q"], { env, cwd: directory });
    expect(other.code).toBe(3);
    expect(other.stderr).toContain("The inputs differ");
  }, 120_000);
});
