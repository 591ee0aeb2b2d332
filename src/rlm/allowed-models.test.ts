/**
 * The `model=` allowlist, judged on the host: a spec the code makes up (another host, a local file
 * for llama.cpp, another provider whose key is in the environment) causes no connection, no file
 * open and no request, while configured models, named in full or by an unambiguous short name,
 * still answer, in child RLMs too. Observers sit outside the engine: raw TCP listeners count every
 * connection, and a FIFO tells whether anything opened it for reading.
 */

import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync } from "node:fs";
import { open } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { describe, expect, it, onTestFinished } from "vitest";
import type { FakePolicy } from "../../test/fakes/types.js";
import { code, lastUserMessage, scripted } from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { isRlmError } from "../errors/index.js";
import { createModel } from "../models/create-model.js";
import { readTrajectory } from "../trace/index.js";
import type { RlmEvent } from "../trace/types.js";
import { allowedModelsOf } from "./allowed-models.js";
import { RLM } from "./index.js";

interface CountingListener {
  url: string;
  connections: () => number;
}

/** A TCP listener on 127.0.0.1 that counts connections and drops each at once (no protocol at all). */
async function countingListener(): Promise<CountingListener> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

interface WatchedFifo {
  path: string;
  /** Whether anything opened the FIFO for reading so far. */
  opened: () => boolean;
}

/**
 * A FIFO with a writer waiting on it: the writer's open completes only when some reader opens the
 * FIFO, so `opened()` reports a read-open by anyone in the process (llama.cpp's loader included).
 */
function watchedFifo(): WatchedFifo {
  const path = join(mkdtempSync(join(tmpdir(), "rlm-fifo-")), "model.gguf");
  execFileSync("mkfifo", [path]);
  let opened = false;
  const writer = open(path, "w").then(async (handle) => {
    opened = true;
    await handle.close();
  });
  onTestFinished(async () => {
    // Releases the waiting writer (it holds a libuv thread) by opening the read end ourselves, and
    // any reader still blocked in its open (only if the allowlist failed) by opening a write end.
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    await writer;
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    closeSync(reader);
  });
  return { path, opened: () => opened };
}

const answerWith =
  (name: string): FakePolicy =>
  (request) => ({ text: `${name} read: ${lastUserMessage(request)}` });

/** Python that asks for each model in `attempts` and prints a JSON object of what came back. */
function tryModels(attempts: Record<string, string>): string {
  const lines = ["import json", "out = {}"];
  for (const [label, call] of Object.entries(attempts)) {
    lines.push("try:", `    out[${JSON.stringify(label)}] = ${call}`, "except RuntimeError as error:");
    lines.push(`    out[${JSON.stringify(label)}] = str(error)`);
  }
  lines.push("print(json.dumps(out))");
  return lines.join("\n");
}

function printedObject(stdout: string | undefined): Record<string, unknown> {
  return JSON.parse(stdout ?? "{}") as Record<string, unknown>;
}

const REFUSED = "is not one of the models this run was configured with";

describe("allowedModelsOf", () => {
  const options = {
    model: "ollama:qwen3:4b",
    subModel: "ollama:smollm:1.7b",
    depthModels: ["ollama:qwen3:4b", "ollama-cloud:qwen3:4b"],
  };

  it("resolves exact specs and unambiguous short names to the configured value", () => {
    const allowed = allowedModelsOf(options);
    expect(allowed.specs).toEqual(["ollama:qwen3:4b", "ollama:smollm:1.7b", "ollama-cloud:qwen3:4b"]);
    expect(allowed.resolve("ollama:smollm:1.7b")).toBe("ollama:smollm:1.7b");
    expect(allowed.resolve(" smollm:1.7b ")).toBe("ollama:smollm:1.7b");
    expect(allowed.resolve("ollama-cloud:qwen3:4b")).toBe("ollama-cloud:qwen3:4b");
  });

  it("refuses a short name that two configured models share, naming both", () => {
    expect(() => allowedModelsOf(options).resolve("qwen3:4b")).toThrow(
      /model="qwen3:4b" was refused: it could be any of "ollama:qwen3:4b" \(root model, depth-0 model\), "ollama-cloud:qwen3:4b" \(depth-1 model\)/,
    );
  });

  it("refuses a spec with a configured model's name on another host or provider", () => {
    const allowed = allowedModelsOf(options);
    for (const requested of [
      "openai-compatible:http://evil.example/v1#smollm:1.7b",
      "ollama-cloud:smollm:1.7b",
      "llamacpp:/etc/passwd",
      "",
    ]) {
      let caught: unknown;
      try {
        allowed.resolve(requested);
      } catch (error) {
        caught = error;
      }
      expect(isRlmError(caught) && caught.code).toBe("model-not-allowed");
      expect(String(caught)).toContain(REFUSED);
      expect(String(caught)).toContain('"ollama:smollm:1.7b" (sub-model)');
    }
  });

  it("an AI SDK model resolves by its spec or its model id to the configured object", () => {
    const provider = createOpenAICompatible({ name: "local", baseURL: "http://127.0.0.1:9/v1" });
    const root = provider("qwen3:4b");
    const allowed = allowedModelsOf({ model: root, subModel: "ollama:smollm:1.7b" });
    expect(allowed.specs).toEqual(["ai-sdk:local.chat:qwen3:4b", "ollama:smollm:1.7b"]);
    expect(allowed.resolve("ai-sdk:local.chat:qwen3:4b")).toBe(root);
    expect(allowed.resolve("qwen3:4b")).toBe(root);
    expect(() => allowed.resolve("ai-sdk:local.chat:other")).toThrow(REFUSED);
  });

  it("a LanguageModel of the caller's resolves to that same object", () => {
    const own = createModel("openai-compatible:http://127.0.0.1:9/v1#own");
    const allowed = allowedModelsOf({ model: "ollama:qwen3:4b", allowedSubModels: [own] });
    expect(allowed.resolve(own.spec)).toBe(own);
    expect(allowed.resolve("own")).toBe(own);
    // No subModel: the root model serves llm_query and is listed as both.
    expect(() => allowed.resolve("x")).toThrow('"ollama:qwen3:4b" (root model, sub-model)');
  });
});

describe("llm_query / rlm_query model=", () => {
  it("refuses made-up specs before any connection, file open or key use; configured ones answer", async () => {
    const compatible = await countingListener();
    const anthropic = await countingListener();
    const fifo = watchedFifo();
    const forbidden = {
      compatible: JSON.stringify(`openai-compatible:${compatible.url}/v1#sub`),
      llamacpp: JSON.stringify(`llamacpp:${fifo.path}`),
      anthropic: JSON.stringify("anthropic:claude-sonnet-4-5"),
    };
    let extra = "";
    const root = scripted([
      () =>
        code(
          tryModels({
            compatible: `llm_query("hello", model=${forbidden.compatible})`,
            llamacpp: `llm_query("hello", model=${forbidden.llamacpp})`,
            anthropic: `llm_query("hello", model=${forbidden.anthropic})`,
            batched: `llm_query_batched(["a", "b"], model=${forbidden.compatible})`,
            rlm: `rlm_query("hello", model=${forbidden.anthropic})`,
            rlm_batched: `rlm_query_batched(["a"], model=${forbidden.llamacpp})`,
            sub: `llm_query("to the sub-model")`,
            extra: `llm_query("to the extra model", model=${JSON.stringify(extra)})`,
            extra_short: `llm_query("by short name", model="extra")`,
          }),
        ),
      () => "FINAL(done)",
    ]);
    const models = await testModels({ root, sub: answerWith("sub"), extra: answerWith("extra") });
    extra = models.spec("extra");
    const events: RlmEvent[] = [];
    const trace = traceFile("allowlist");
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      allowedSubModels: [extra],
      sandbox: { runtime: "process" },
      // Were a refused spec served, a second open of the FIFO would block: end the run, not the test.
      limits: { timeoutMs: 20_000 },
      // The host has an Anthropic key, and the Anthropic URL leads to a counting listener.
      pool: {
        maxRetries: 0,
        timeoutMs: 5_000,
        modelConfig: { env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: anthropic.url } },
      },
      trace,
      onEvent: (event) => events.push(event),
    });
    const result = await rlm.completion("some text", "Try the models.");

    expect(compatible.connections()).toBe(0);
    expect(anthropic.connections()).toBe(0);
    expect(fifo.opened()).toBe(false);
    expect(result).toMatchObject({ answer: "done", stopReason: "answer", subCalls: 3 });
    // Refused names are no sub-calls and no backends: only the sub-model and the extra model were used.
    expect(Object.keys(result.usage).sort()).toEqual([extra, models.spec("root"), models.spec("sub")].sort());
    expect(models.server.requests.filter((request) => request.model === "extra")).toHaveLength(2);
    const warnings = events.filter((event) => event.type === "warning");
    expect(warnings).toHaveLength(3);

    const { runs } = await readTrajectory(trace);
    const block = runs[0]?.iterations[0]?.code_blocks[0]?.result;
    expect(block?.rlm_calls).toHaveLength(3);
    const out = printedObject(block?.stdout);
    for (const label of ["compatible", "llamacpp", "anthropic", "rlm"]) {
      expect(out[label]).toMatch(/^\[error\] model="[^"]+" was refused: it is not one of the models/);
      expect(out[label]).toContain(
        `Allowed: "${models.spec("root")}" (root model), "${models.spec("sub")}" (sub-model), "${extra}" (allowedSubModels)`,
      );
      expect(out[label]).toContain(
        "the user can allow more: the RLM option allowedSubModels, `--allow-model <spec>` or the config file's allowModels",
      );
    }
    for (const label of ["batched", "rlm_batched"]) {
      const slots = out[label] as string[];
      expect(slots.length).toBeGreaterThan(0);
      for (const slot of slots) {
        expect(slot).toMatch(/^\[error\] model="/);
        expect(slot).toContain(REFUSED);
      }
    }
    expect(out).toMatchObject({
      sub: "sub read: to the sub-model",
      extra: "extra read: to the extra model",
      extra_short: "extra read: by short name",
    });
  });

  it("a child RLM (maxDepth 2) has the same allowlist as its parent", async () => {
    const listener = await countingListener();
    const forbidden = JSON.stringify(`openai-compatible:${listener.url}/v1#child`);
    const child = scripted([
      () =>
        code(
          tryModels({
            compatible: `llm_query("hello", model=${forbidden})`,
            at_limit: `rlm_query("hello", model=${forbidden})`,
            extra: `llm_query("from the child", model="extra")`,
          }),
        ),
      () => "FINAL(child done)",
    ]);
    const root = scripted([() => code('print(rlm_query("Check the models."))'), () => "FINAL(done)"]);
    const models = await testModels({ root, child, extra: answerWith("extra") });
    const trace = traceFile("allowlist-child");
    const rlm = new RLM({
      model: models.spec("root"),
      depthModels: [models.spec("root"), models.spec("child")],
      allowedSubModels: [models.spec("extra")],
      maxDepth: 2,
      sandbox: { runtime: "process" },
      pool: { maxRetries: 0, timeoutMs: 5_000 },
      trace,
    });
    const result = await rlm.completion("some text", "Ask a child.");

    expect(listener.connections()).toBe(0);
    expect(result).toMatchObject({ answer: "done", depth: 1, subCalls: 2 });
    const { runs } = await readTrajectory(trace);
    const childCall = runs[0]?.iterations[0]?.code_blocks[0]?.result.rlm_calls[0];
    expect(childCall).toMatchObject({ kind: "rlm", model: models.spec("child"), response: "child done" });
    const out = printedObject(childCall?.children?.[0]?.code_blocks[0]?.result.stdout);
    expect(out.compatible).toContain(REFUSED);
    expect(out.at_limit).toContain(REFUSED);
    expect(out.extra).toBe("extra read: from the child");
  });
});
