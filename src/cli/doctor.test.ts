import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOllama, startFakeOpenAI } from "../../test/fakes/index.js";
import {
  BUILD_TIMEOUT_MS,
  cleanEnvironment,
  closedPort,
  ensureBuilt,
  runCli,
} from "./__fixtures__/run-cli.js";
import type { Check } from "./doctor/check.js";

/** `rlm doctor` (the built binary) against fake Ollama and OpenAI-compatible servers. */

let ollama: FakeServer;
let openai: FakeServer;
let home: string;

beforeAll(async () => {
  await ensureBuilt();
  const unused = () => ({ text: "unused" });
  ollama = await startFakeOllama(unused, { models: { "qwen3:4b": {}, "llama3.2:latest": {} } });
  openai = await startFakeOpenAI(unused, { models: ["served-model"] });
  home = await mkdtemp(join(tmpdir(), "rlm-doctor-"));
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await ollama?.close();
  await openai?.close();
  await rm(home, { recursive: true, force: true });
});

describe("rlm doctor (built binary)", () => {
  it("reports a model that is not pulled, with the command that pulls it", async () => {
    const result = await runCli(["doctor", "--no-sandbox-check"], {
      env: cleanEnvironment(home, { OLLAMA_HOST: ollama.url }),
    });
    expect(result.stdout).toContain(
      `✓ root model ollama:qwen3:4b (from default): Ollama at ${ollama.url} has qwen3:4b.`,
    );
    expect(result.stdout).toContain(
      `✗ sub-model ollama:smollm:1.7b (from default): Ollama at ${ollama.url} does not have smollm:1.7b (it has: qwen3:4b, llama3.2:latest).\n    fix: ollama pull smollm:1.7b`,
    );
    expect(result.stdout).toContain("1 problem to fix.");
    expect(result.code).toBe(1);
  });

  it("reports a missing Ollama, and offers the embedded engine", async () => {
    const port = await closedPort();
    const result = await runCli(["doctor", "--no-sandbox-check", "--json"], {
      env: cleanEnvironment(home, { OLLAMA_HOST: `127.0.0.1:${port}` }),
    });
    const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
    expect(checks.map((check) => check.status)).toEqual(["ok", "fail", "fail"]);
    expect(checks[1]).toMatchObject({
      status: "fail",
      code: "backend-unreachable",
      detail: `Ollama is not reachable at http://127.0.0.1:${port} (ECONNREFUSED).`,
    });
    expect(checks[1]?.fix).toContain("--model llamacpp:hf:Qwen/Qwen3-4B-GGUF:Q4_K_M");
    expect(result.code).toBe(1);
  });

  it("names the missing API key of each hosted backend, with the line that sets it", async () => {
    const result = await runCli(
      [
        "doctor",
        "--no-sandbox-check",
        "--json",
        "--model",
        "anthropic:claude-sonnet-4-5",
        "--sub-model",
        "openai:gpt-5-nano",
      ],
      { env: cleanEnvironment(home, {}) },
    );
    const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
    expect(checks.slice(1)).toMatchObject([
      {
        status: "fail",
        code: "missing-api-key",
        detail: "ANTHROPIC_API_KEY is not set.",
        fix: "export ANTHROPIC_API_KEY=sk-ant-...",
      },
      {
        status: "fail",
        code: "missing-api-key",
        detail: "OPENAI_API_KEY is not set.",
        fix: "export OPENAI_API_KEY=sk-...",
      },
    ]);
    expect(result.code).toBe(1);
  });

  it("passes when the models are there and the sandbox runs Python", async () => {
    const result = await runCli(
      [
        "doctor",
        "--model",
        "ollama:llama3.2",
        "--sub-model",
        `openai-compatible:${openai.url}/v1#served-model`,
      ],
      {
        env: cleanEnvironment(home, { OLLAMA_HOST: ollama.url }),
      },
    );
    expect(result.stdout).toContain(
      `✓ root model ollama:llama3.2 (from flag): Ollama at ${ollama.url} has llama3.2.`,
    );
    expect(result.stdout).toContain(
      `✓ sub-model openai-compatible:${openai.url}/v1#served-model (from flag): ${openai.url}/v1 serves served-model.`,
    );
    expect(result.stdout).toMatch(/✓ sandbox \(pyodide\): print\(1\+1\) printed 2/);
    expect(result.stdout).toContain("All good: rlm is ready.");
    expect(result.code).toBe(0);
  });

  it("warns about a model an OpenAI-compatible server does not list", async () => {
    const result = await runCli(
      ["doctor", "--no-sandbox-check", "--model", `openai-compatible:${openai.url}/v1#other`],
      {
        env: cleanEnvironment(home, {}),
      },
    );
    expect(result.stdout).toContain(
      `! root model openai-compatible:${openai.url}/v1#other (from flag): ${openai.url}/v1 does not list other (it lists: served-model).`,
    );
    expect(result.code).toBe(0);
  });

  it("fails a model the server lists but cannot answer with: All good only after a real call", async () => {
    const broken = await startFakeOpenAI(
      () => ({ fault: "status", status: 400, message: "model weights are corrupt" }),
      { models: ["served-model"] },
    );
    try {
      const result = await runCli(
        [
          "doctor",
          "--no-sandbox-check",
          "--json",
          "--model",
          `openai-compatible:${broken.url}/v1#served-model`,
        ],
        { env: cleanEnvironment(home, {}) },
      );
      const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
      expect(checks[1]).toMatchObject({ status: "fail" });
      expect(checks[1]?.detail).toContain(`${broken.url}/v1 serves served-model. But a 1-token call failed:`);
      expect(checks[1]?.detail).toContain("model weights are corrupt");
      expect(result.code).toBe(1);
    } finally {
      await broken.close();
    }
  });
});
