import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "./__fixtures__/code-writing-policy.js";
import { BINARY, BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt } from "./__fixtures__/run-cli.js";

/** `rlm serve` as users start it: the built binary, configured by environment variables. */

let backend: FakeServer;
let home: string;
let child: ChildProcess;
let baseURL: string;
let stderr = "";

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
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
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
});
