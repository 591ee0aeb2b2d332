/**
 * `rlm batch --queue` and `rlm worker` through the built binary, on a real `redis-server` (started
 * here on a free loopback port, persistence off, stopped after) and BullMQ. Two workers take the
 * tasks; one is killed with SIGKILL while it runs tasks. BullMQ's stalled-job check (lock 2 s,
 * checked every 1 s: `--lock-duration`, `--stalled-interval`) hands its jobs to the other worker,
 * which gets the replies the dead one had paid for from Redis. Every answer is right, each id is
 * written once, and no sub-call the dead worker had answered is asked again. `rlm serve --queue`
 * hands a chat request to a worker.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { letterWords, promptsAt, writeBatchDataset } from "../../test/policies/batch.js";
import { fanOutPolicies } from "../../test/policies/durable.js";
import { testModels } from "../../test/policies/harness.js";
import { type RedisServer, redisServerMissing, startRedis } from "../../test/redis/start-redis.js";
import { batchKeyOf } from "../batch/queue-job.js";
import { answeredPrompts, readLines, until } from "./__fixtures__/batch-files.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli, startCli } from "./__fixtures__/run-cli.js";

const missing = redisServerMissing();
if (missing !== undefined) console.warn(`skipping the queue tests: ${missing}`);

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (missing !== undefined) return;
  await ensureBuilt();
  redis = await startRedis();
}, BUILD_TIMEOUT_MS);
afterAll(async () => {
  await redis?.stop();
});

/** Every trajectory a worker wrote (under its trace dir, one folder per batch). */
function trajectories(directory: string): { text: string; finished: boolean }[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".jsonl"))
    .map((name) => readFileSync(join(directory, name), "utf8"))
    .map((text) => ({ text, finished: text.includes('{"type":"result"') }));
}

describe.skipIf(missing !== undefined)(
  "rlm batch --queue with rlm worker processes (built binary, real Redis)",
  () => {
    it("a worker killed with SIGKILL mid-batch loses nothing: every answer right, each id once, nothing paid twice", async () => {
      const directory = mkdtempSync(join(tmpdir(), "rlm-queue-"));
      const env = cleanEnvironment(directory, {});
      const dataset = writeBatchDataset(directory, 8);
      const out = join(directory, "results.jsonl");
      const url = redis!.url;
      const models = await testModels(fanOutPolicies({ subDelayMs: 30 }));
      const modelFlags = [
        ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process"],
        ...["--concurrency", "4", "--no-check"],
      ];
      const worker = (name: string) =>
        startCli(
          [
            ...["worker", "--queue", url, "--queue-name", "kill-test", "--parallel", "2"],
            ...["--trace-dir", join(directory, name), "--lock-duration", "2s", "--stalled-interval", "1s"],
            ...modelFlags,
          ],
          { env, cwd: directory },
        );
      const first = worker("w1");
      const second = worker("w2");
      const submit = startCli(
        ["batch", dataset.tasksFile, "--queue", url, "--queue-name", "kill-test", "--out", out, "-q"],
        { env, cwd: directory },
      );
      // Kill the first worker while it has a task in its fan-out.
      await until(() =>
        trajectories(join(directory, "w1")).some(
          (run) => !run.finished && answeredPrompts(run.text).length >= 5,
        ),
      );
      first.child.kill("SIGKILL");
      expect((await first.done).code).toBe(null);
      const interrupted = trajectories(join(directory, "w1")).filter((run) => !run.finished);
      expect(interrupted.length).toBeGreaterThan(0);
      const paidByTheDead = interrupted.flatMap((run) => answeredPrompts(run.text));

      const submitted = await submit.done;
      expect(submitted.stderr).toBe("");
      expect(submitted.code).toBe(0);
      second.child.kill("SIGTERM");
      const stopped = await second.done;
      expect(stopped.code).toBe(0);
      expect(stopped.stderr).toContain("rlm worker: taking tasks from queue kill-test");

      const lines = readLines(out);
      expect(lines.map((line) => line.id).sort()).toEqual(dataset.tasks.map((task) => task.id));
      for (const task of dataset.tasks) {
        const line = lines.find((candidate) => candidate.id === task.id)!;
        expect(line.status).toBe("ok");
        expect(line.answer).toMatch(new RegExp(`^total=${task.words} picked=\\[`));
      }
      // The tasks the dead worker had started were finished by the other one.
      const finishedBySecond = trajectories(join(directory, "w2")).filter((run) => run.finished).length;
      expect(finishedBySecond).toBeGreaterThanOrEqual(interrupted.length);
      // Replies the dead worker had paid for came from Redis: none was asked again.
      const asked = promptsAt(models.server, "sub");
      expect(paidByTheDead.length).toBeGreaterThan(0);
      for (const prompt of paidByTheDead) expect(asked.filter((other) => other === prompt)).toHaveLength(1);
      const chunks = dataset.tasks.reduce((sum, task) => sum + task.words / 100, 0);
      expect(new Set(asked).size).toBe(chunks);
      // At most the calls in flight in the dead worker at the kill (its --concurrency) were asked twice.
      expect(asked.length).toBeLessThanOrEqual(chunks + 4);

      // The replies kept in Redis for the tasks are deleted once their answers are written.
      const client = new Redis(url);
      try {
        expect(await client.keys(`rlm:replies:${batchKeyOf(out)}-*`)).toEqual([]);
      } finally {
        client.disconnect();
      }

      // Run again: nothing to collect, nothing queued, nothing asked.
      const before = models.server.requests.length;
      const rerun = await runCli(
        ["batch", dataset.tasksFile, "--queue", url, "--queue-name", "kill-test", "--out", out, "-q"],
        { env, cwd: directory },
      );
      expect(rerun.code).toBe(0);
      expect(readLines(out)).toHaveLength(8);
      expect(models.server.requests.length).toBe(before);
    }, 180_000);

    it("rlm serve --queue hands its runs to the workers", async () => {
      const directory = mkdtempSync(join(tmpdir(), "rlm-queue-serve-"));
      const env = cleanEnvironment(directory, {});
      const models = await testModels(fanOutPolicies());
      const queueFlags = ["--queue", redis!.url, "--queue-name", "serve-test"];
      const worker = startCli(
        [
          ...["worker", ...queueFlags, "--trace-dir", join(directory, "traces")],
          ...["-m", models.spec("root"), "-s", models.spec("sub"), "--sandbox", "process", "--no-check"],
        ],
        { env, cwd: directory },
      );
      // The server has no model of its own that works: only the workers' can answer.
      const serve = startCli(
        ["serve", "--port", "0", ...queueFlags, "-m", "openai-compatible:http://127.0.0.1:1/v1#none"],
        {
          env,
          cwd: directory,
        },
      );
      let output = "";
      serve.child.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      await until(() => /listening on (\S+)/.test(output), 30_000);
      expect(output).toContain("runs go to the rlm workers of queue serve-test");
      const url = (/listening on (\S+)/.exec(output) as RegExpExecArray)[1] as string;
      const response = await fetch(`${url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "rlm",
          messages: [
            { role: "user", content: letterWords("m", 1800) },
            { role: "user", content: "How many words are there?" },
          ],
        }),
      });
      const body = (await response.json()) as {
        choices: { message: { content: string } }[];
        rlm: { stop_reason: string };
      };
      expect(response.status).toBe(200);
      expect(body.choices[0]?.message.content).toMatch(/^total=1800 picked=\[/);
      expect(body.rlm.stop_reason).toBe("answer");
      expect(promptsAt(models.server, "sub")).toHaveLength(18);
      // The worker kept the run's replies in Redis, under the job's id (a server's jobs keep them).
      const client = new Redis(redis!.url);
      try {
        expect((await client.keys("rlm:replies:serve-*")).length).toBe(1 + 18 + 1);
      } finally {
        client.disconnect();
      }
      serve.child.kill("SIGTERM");
      worker.child.kill("SIGTERM");
      expect((await serve.done).code).toBe(0);
      expect((await worker.done).code).toBe(0);
    }, 60_000);

    it("refuses a task whose inline context is over the job bound, and a Redis that does not answer", async () => {
      const directory = mkdtempSync(join(tmpdir(), "rlm-queue-bound-"));
      const env = cleanEnvironment(directory, {});
      const tasks = join(directory, "tasks.jsonl");
      writeFileSync(
        tasks,
        `${JSON.stringify({ id: "huge", query: "How long?", context: "x".repeat(9 * 1024 * 1024) })}\n`,
      );
      const out = join(directory, "results.jsonl");
      const run = await runCli(
        ["batch", tasks, "--queue", redis!.url, "--queue-name", "bound-test", "--out", out, "-q"],
        {
          env,
          cwd: directory,
        },
      );
      expect(run.code).toBe(8);
      const [line] = readLines(out) as {
        status: string;
        error: { code: string; message: string; hint: string };
      }[];
      expect(line?.status).toBe("failed");
      expect(line?.error.code).toBe("batch-task-too-large");
      expect(line?.error.message).toMatch(/9\.0 MiB as JSON; a queued task carries at most 8 MiB/);
      expect(line?.error.hint).toMatch(/paths that every worker can read/);

      const down = await runCli(
        ["batch", tasks, "--queue", "redis://127.0.0.1:1/0", "--out", join(directory, "other.jsonl"), "-q"],
        { env, cwd: directory },
      );
      expect(down.code).toBe(4);
      expect(down.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1\/0 does not answer/);
    }, 60_000);
  },
);
