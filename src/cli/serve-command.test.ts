import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "./__fixtures__/code-writing-policy.js";
import {
  BINARY,
  BUILD_TIMEOUT_MS,
  cleanEnvironment,
  closedPort,
  ensureBuilt,
  runCli,
} from "./__fixtures__/run-cli.js";

/** `rlm serve` as users start it: the built binary, configured by environment variables. */

let backend: FakeServer;
let home: string;
let child: ChildProcess;
let baseURL: string;
let stderr = "";
const others: ChildProcess[] = [];

/** Starts `rlm serve` with these arguments; resolves once it prints its address. */
async function startServe(args: string[], environment: Record<string, string>) {
  const started = spawn(process.execPath, [BINARY, "serve", ...args], { env: environment });
  others.push(started);
  let output = "";
  started.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const deadline = Date.now() + 30_000;
  while (!/listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || started.exitCode !== null)
      throw new Error(`rlm serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: (/listening on (\S+)/.exec(output) as RegExpExecArray)[1] as string, output: () => output };
}

beforeAll(async () => {
  await ensureBuilt();
  backend = await startFakeOpenAI(codeWritingPolicy());
  home = await mkdtemp(join(tmpdir(), "rlm-serve-"));
  const environment = cleanEnvironment(home, {
    RLM_MODEL: `openai-compatible:${backend.url}/v1#root`,
    RLM_SUB_MODEL: `openai-compatible:${backend.url}/v1#sub`,
    RLM_SERVER_API_KEY: "serve-key",
  });
  const traces = join(home, "traces");
  child = spawn(
    process.execPath,
    [BINARY, "serve", "--port", "0", "--sandbox", "process", "--trace-dir", traces],
    {
      env: environment,
    },
  );
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const deadline = Date.now() + 30_000;
  while (!/listening on (\S+)/.test(stderr)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`rlm serve did not start:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  baseURL = (/listening on (\S+)/.exec(stderr) as RegExpExecArray)[1] as string;
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  for (const running of [child, ...others]) {
    if (!running || running.exitCode !== null) continue;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  }
  await backend?.close();
  await rm(home, { recursive: true, force: true });
});

describe("rlm serve (built binary)", () => {
  it("serves the configured root model under the name rlm, behind the bearer key, writing traces", async () => {
    expect(stderr).toContain(`model "rlm" = openai-compatible:${backend.url}/v1#root`);
    const client = new OpenAI({ baseURL, apiKey: "serve-key", maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["rlm", `openai-compatible:${backend.url}/v1#root`]);
    const reply = await client.chat.completions.create({
      model: "rlm",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "the code is 6 and the code is 60" },
        { role: "user", content: "Which codes?" },
      ],
    });
    expect(reply.choices[0]?.message.content).toBe("codes=6,60 parts=1 files= sub=words=9");
    const traces = await readdir(join(home, "traces"));
    expect(traces).toEqual([`${reply.id}.jsonl`]);
    expect(stderr).toMatch(/plain rlm answer \d+ms/);
    await expect(new OpenAI({ baseURL, apiKey: "wrong", maxRetries: 0 }).models.list()).rejects.toMatchObject(
      {
        status: 401,
      },
    );
  });

  it("refuses to listen beyond loopback without a key, at once and saying what to do", async () => {
    const environment = cleanEnvironment(home, {
      // An unreachable backend: the refusal must come before the (slow) backend check.
      RLM_MODEL: `openai-compatible:http://127.0.0.1:${await closedPort()}/v1#root`,
    });
    const started = Date.now();
    const refused = await runCli(["serve", "--host", "0.0.0.0", "--port", "0"], { env: environment });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Refusing to listen on 0.0.0.0 without an API key");
    expect(refused.stderr).toContain("RLM_SERVER_API_KEY");
    expect(refused.stderr).toContain("--insecure-no-key");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("listens on 0.0.0.0 with --insecure-no-key", async () => {
    const environment = cleanEnvironment(home, {
      RLM_MODEL: `openai-compatible:${backend.url}/v1#root`,
      RLM_SUB_MODEL: `openai-compatible:${backend.url}/v1#sub`,
    });
    const { url } = await startServe(
      ["--host", "0.0.0.0", "--port", "0", "--insecure-no-key", "--no-check"],
      environment,
    );
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it("admits --max-concurrent-runs runs and queues --max-queued-runs, then answers 503", async () => {
    const slow = await startFakeOpenAI(codeWritingPolicy({ rootDelayMs: 400 }));
    try {
      const environment = cleanEnvironment(home, {
        RLM_MODEL: `openai-compatible:${slow.url}/v1#root`,
        RLM_SUB_MODEL: `openai-compatible:${slow.url}/v1#sub`,
        RLM_SERVER_API_KEY: "serve-key",
      });
      const { url } = await startServe(
        [
          "--port",
          "0",
          "--sandbox",
          "process",
          "--no-check",
          "--max-concurrent-runs",
          "1",
          "--max-queued-runs",
          "0",
        ],
        environment,
      );
      const client = new OpenAI({ baseURL: url, apiKey: "serve-key", maxRetries: 0 });
      const question = (code: number) => ({
        model: "rlm",
        stream: true as const,
        messages: [
          { role: "user" as const, content: `the code is ${code}` },
          { role: "user" as const, content: "Which codes?" },
        ],
      });
      const running = await client.chat.completions.create(question(1));
      await expect(client.chat.completions.create(question(2))).rejects.toMatchObject({
        status: 503,
        code: "server_busy",
      });
      let text = "";
      for await (const chunk of running) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toContain("codes=1 ");
    } finally {
      await slow.close();
    }
  });
});
