/**
 * `rlm batch` (embedded) through the built binary, judged at the boundary: a fake OpenAI server
 * plays the models (scripted, test/policies/batch.ts) and counts every request. A batch killed with
 * SIGKILL mid-way and run again pays for nothing twice (no recorded reply is asked again, no
 * finished task's root is asked again) and writes each id once with the right answer. OpenAI Batch
 * lines come back in OpenAI's Batch output format; bad lines become failed lines naming their line.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { letterWords, promptsAt, rootRequestsOf, writeBatchDataset } from "../../test/policies/batch.js";
import { fanOutPolicies } from "../../test/policies/durable.js";
import { testModels } from "../../test/policies/harness.js";
import { answeredPrompts, readLines, until } from "./__fixtures__/batch-files.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli, startCli } from "./__fixtures__/run-cli.js";

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

/** A result line of either format, as the assertions read it. */
interface OutputLine {
  id?: string;
  custom_id?: string;
  status?: string;
  answer?: string;
  error: { code?: string; message: string } | null;
  response: {
    status_code: number;
    request_id: string;
    body: {
      object: string;
      model: string;
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { total_tokens: number };
      rlm: { trajectory: string };
    };
  } | null;
}

/** Sub-call prompts the trajectories under `directory` record as answered. */
function answeredIn(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith(".jsonl"))
    .flatMap((name) => answeredPrompts(readFileSync(join(directory, name), "utf8")));
}

describe("rlm batch, embedded (built binary)", () => {
  it("killed with SIGKILL mid-batch, then run again: nothing paid twice, each id once, every answer right", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rlm-batch-"));
    const env = cleanEnvironment(directory, {});
    const dataset = writeBatchDataset(directory, 6);
    const out = join(directory, "results.jsonl");
    const traces = `${out}.traces`;
    const models = await testModels(fanOutPolicies({ subDelayMs: 25 }));
    const args = [
      ...["batch", dataset.tasksFile, "--out", out, "--parallel", "2"],
      ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process"],
      ...["--concurrency", "4", "--no-check", "-q"],
    ];
    const run = startCli(args, { env, cwd: directory });
    // Two tasks finished, and the next two well into their fan-out.
    await until(() => readLines(out).length >= 2);
    const subsAtTwo = promptsAt(models.server, "sub").length;
    await until(() => promptsAt(models.server, "sub").length >= subsAtTwo + 12);
    run.child.kill("SIGKILL");
    expect((await run.done).code).toBe(null);

    const finishedBefore = readLines(out).map((line) => line.id as string);
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);
    expect(finishedBefore.length).toBeLessThan(6);
    const paid = answeredIn(traces);
    const rootBefore = new Map(
      dataset.tasks.map((task) => [task.id, rootRequestsOf(models.server, task.query)]),
    );

    const rerun = await runCli(args, { env, cwd: directory });
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);

    const lines = readLines(out);
    expect(lines.map((line) => line.id).sort()).toEqual(dataset.tasks.map((task) => task.id));
    for (const task of dataset.tasks) {
      const line = lines.find((candidate) => candidate.id === task.id) as Record<string, unknown>;
      expect(line.status).toBe("ok");
      expect(line.stop_reason).toBe("answer");
      expect(line.answer).toMatch(new RegExp(`^total=${task.words} picked=\\[`));
      expect(line.trajectory).toMatch(/results\.jsonl\.traces\/task-\d+-[0-9a-f]{10}\.jsonl$/);
      expect(Object.keys(line.usage as object).sort()).toEqual(
        [models.spec("root"), models.spec("sub")].sort(),
      );
    }
    // Every sub-call a trajectory recorded before the kill was asked once, never again.
    const asked = promptsAt(models.server, "sub");
    expect(paid.length).toBeGreaterThan(0);
    for (const prompt of paid) expect(asked.filter((other) => other === prompt)).toHaveLength(1);
    // Each chunk of each task was asked; at most the 4 in flight at the kill were asked twice.
    const chunks = dataset.tasks.reduce((sum, task) => sum + task.words / 100, 0);
    expect(new Set(asked).size).toBe(chunks);
    expect(asked.length).toBeLessThanOrEqual(chunks + 4);
    // A task finished before the kill sent nothing after it.
    for (const id of finishedBefore) {
      const task = dataset.tasks.find((candidate) => candidate.id === id)!;
      expect(rootRequestsOf(models.server, task.query)).toBe(rootBefore.get(id));
    }
    // The root of every task was asked its two turns, and at most once more (a turn in flight at the kill).
    for (const task of dataset.tasks) {
      expect(rootRequestsOf(models.server, task.query)).toBeGreaterThanOrEqual(2);
      expect(rootRequestsOf(models.server, task.query)).toBeLessThanOrEqual(3);
    }

    // A third run has nothing left to do and asks nothing.
    const before = models.server.requests.length;
    const third = await runCli(args, { env, cwd: directory });
    expect(third.code).toBe(0);
    expect(models.server.requests.length).toBe(before);
    expect(readLines(out)).toHaveLength(6);
  }, 180_000);

  it("Ctrl-C stops cleanly (exit 130, no line for an unfinished task); the same command then finishes the batch", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rlm-batch-int-"));
    const env = cleanEnvironment(directory, {});
    const dataset = writeBatchDataset(directory, 4);
    const out = join(directory, "results.jsonl");
    const models = await testModels(fanOutPolicies({ subDelayMs: 25 }));
    const args = [
      ...["batch", dataset.tasksFile, "--out", out, "--parallel", "1"],
      ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process", "--no-check"],
    ];
    const run = startCli(args, { env, cwd: directory });
    await until(() => readLines(out).length >= 1);
    const subs = promptsAt(models.server, "sub").length;
    await until(() => promptsAt(models.server, "sub").length >= subs + 4);
    run.child.kill("SIGINT");
    const interrupted = await run.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain("interrupted: stopping; run the same command again to go on");
    expect(interrupted.stderr).toMatch(
      /rlm batch: \d tasks not finished; run the same command again to resume them/,
    );
    // The status line: done / failed / running, tokens, cost, elapsed.
    expect(interrupted.stderr).toMatch(
      /batch: \d\/4 done, 0 failed, 0 running, [\d.]+k? tokens, \$0\.0000, \d+s/,
    );
    const written = readLines(out);
    expect(written.every((line) => line.status === "ok")).toBe(true);
    expect(written.length).toBeLessThan(4);

    const rerun = await runCli(args, { env, cwd: directory });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/batch: \d\/\d done \(\d already in the results\), 0 failed/);
    const lines = readLines(out);
    expect(lines.map((line) => line.id).sort()).toEqual(dataset.tasks.map((task) => task.id));
    for (const task of dataset.tasks) {
      const line = lines.find((candidate) => candidate.id === task.id)!;
      expect(line.answer).toMatch(new RegExp(`^total=${task.words} `));
    }
  }, 120_000);

  it("reads OpenAI Batch lines and answers in OpenAI's Batch output format; bad lines fail alone, named by line", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rlm-batch-openai-"));
    const env = cleanEnvironment(directory, {});
    const models = await testModels(fanOutPolicies());
    const openAiLine = (id: string, letter: string, words: number) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: "rlm",
          messages: [
            { role: "system", content: "Count carefully." },
            { role: "user", content: letterWords(letter, words) },
            { role: "user", content: `How many words does ${id} have?` },
          ],
        },
      });
    const lines = [
      openAiLine("request-1", "p", 1200),
      openAiLine("request-2", "q", 1800),
      "{not json",
      JSON.stringify({ custom_id: "request-4", method: "POST", url: "/v1/embeddings", body: {} }),
      JSON.stringify({ id: "inline", query: "How many words are inline?", context: letterWords("r", 600) }),
      JSON.stringify({ id: "no-query", paths: ["x.txt"] }),
      openAiLine("request-1", "s", 600),
    ];
    const tasksFile = join(directory, "requests.jsonl");
    writeFileSync(tasksFile, `${lines.join("\n")}\n`);
    const out = join(directory, "output.jsonl");
    const args = [
      ...["batch", tasksFile, "-o", out, "--parallel", "3"],
      ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process", "--no-check", "-q"],
    ];
    const run = await runCli(args, { env, cwd: directory });
    expect(run.code).toBe(8);
    expect(run.stderr).toContain("4 of 7 tasks failed");
    const written = readLines(out);
    expect(written).toHaveLength(7);

    const byId = (id: string) =>
      written.find((line) => line.custom_id === id || line.id === id) as unknown as OutputLine;
    for (const [id, words] of [
      ["request-1", 1200],
      ["request-2", 1800],
    ] as const) {
      const line = byId(id);
      expect(line.id).toMatch(/^batch_req_[0-9a-f]{32}$/);
      expect(line.error).toBe(null);
      const response = line.response!;
      expect(response.status_code).toBe(200);
      expect(response.request_id).toMatch(/^req_/);
      expect(response.body.object).toBe("chat.completion");
      expect(response.body.model).toBe("rlm");
      expect(response.body.choices[0]?.message.content).toMatch(new RegExp(`^total=${words} `));
      expect(response.body.choices[0]?.finish_reason).toBe("stop");
      expect(response.body.usage.total_tokens).toBeGreaterThan(0);
      expect(response.body.rlm.trajectory).toMatch(/\.jsonl$/);
    }
    // The system message reached the root model as instructions.
    const rootSystem = models.server.requests.find((request) => request.model === "root")?.messages[0]
      ?.content;
    expect(rootSystem).toContain("Count carefully.");

    expect(byId("inline").status).toBe("ok");
    expect(byId("inline").answer).toMatch(/^total=600 /);
    expect(byId("line-3").error?.message).toMatch(/^line 3: not JSON/);
    const embeddings = byId("request-4");
    expect(embeddings.response).toBe(null);
    expect(embeddings.error?.code).toBe("invalid_request");
    expect(embeddings.error?.message).toMatch(/^line 4: /);
    expect(byId("no-query").error?.message).toMatch(/^line 6: query: Required/);
    expect(byId("line-7").error?.message).toBe('line 7: the id "request-1" is already used on line 1');

    // --retry-failed runs the failed lines again (they fail again): still one line per id.
    const retried = await runCli([...args, "--retry-failed"], { env, cwd: directory });
    expect(retried.code).toBe(8);
    const again = readLines(out);
    expect(again).toHaveLength(7);
    expect(new Set(again.map((line) => line.custom_id ?? line.id)).size).toBe(7);
  }, 120_000);
});
