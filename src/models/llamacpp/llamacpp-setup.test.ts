import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import type { ContextOverflowError } from "../errors.js";
import { createModelPool } from "../pool/index.js";
import { haveTinyModels, STORIES, skipMessage, storiesReference } from "./__fixtures__/tiny-models.js";
import { createLlamaCppModel, type DownloadProgress, disposeLlamaCppModels } from "./index.js";
import { importNodeLlamaCpp } from "./load-library.js";

if (!haveTinyModels) console.warn(skipMessage);

afterAll(disposeLlamaCppModels);

describe("llamacpp without the native package", () => {
  it("reports a missing node-llama-cpp with the install command", async () => {
    const error = await importNodeLlamaCpp("node-llama-cpp-is-not-installed").catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RlmError);
    expect((error as RlmError).code).toBe("llamacpp-missing");
    expect((error as RlmError).hint).toContain("npm install node-llama-cpp");
  });

  it("rejects a model path that does not exist, saying what to give", async () => {
    const model = createLlamaCppModel({ model: "/nowhere/model.gguf", threads: 1, gpu: false });
    const error = await model.chat([{ role: "user", content: "hi" }]).catch((thrown: unknown) => thrown);
    expect((error as RlmError).code).toBe("model-not-found");
    expect((error as RlmError).hint).toContain("hf:");
  });

  it("rejects a thread count that is not a whole number", () => {
    expect(() => createLlamaCppModel({ model: STORIES, threads: 0 })).toThrow(/threads/);
  });
});

describe.skipIf(!haveTinyModels)("llamacpp models from specs, files and URLs", () => {
  it("refuses a prompt longer than the context with a typed overflow error", async () => {
    const small = createLlamaCppModel({ model: STORIES, threads: 1, contextSize: 64, gpu: false });
    const error = await small
      .chat([{ role: "user", content: "Once upon a time there was a cat. ".repeat(40) }])
      .catch((thrown: unknown) => thrown);
    expect((error as RlmError).code).toBe("context-overflow");
    // llama.cpp rounds the context up (to 256 here); the error and info() both report the real size.
    const info = await small.info();
    expect(info).toMatchObject({ provider: "llamacpp", model: STORIES });
    expect(info.contextWindow).toBeGreaterThanOrEqual(64);
    expect((error as ContextOverflowError).contextWindow).toBe(info.contextWindow);
  });

  it("runs concurrent calls from a llamacpp: spec through the model pool, counted at $0", async () => {
    const pool = createModelPool({ modelConfig: { llamacpp: { threads: 1, gpu: false, contextSize: 256 } } });
    const spec = `llamacpp:${STORIES}`;
    // Four at once on a model with one sequence: the pool queues them and each gets the same greedy answer.
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        pool
          .get(spec)
          .chat([{ role: "user", content: "Once upon a time" }], { temperature: 0, maxTokens: 12 }),
      ),
    );
    const [result] = results;
    expect(storiesReference().startsWith(result!.text)).toBe(true);
    expect(results.every((other) => other.text === result!.text)).toBe(true);
    expect(pool.usage()[spec]).toEqual({
      calls: 4,
      promptTokens: 4 * result!.usage.promptTokens,
      completionTokens: 48,
      costUsd: 0,
      cachedCalls: 0,
    });
    await pool.close();
  });

  it("downloads a model given by URL once into the cache dir, with progress, then runs it", async () => {
    // No model hub is reachable here: a local HTTP server stands in for it (hf: URIs take the same path).
    const bytes = readFileSync(STORIES);
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-length": bytes.length, "content-type": "application/octet-stream" });
      response.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const cacheDir = mkdtempSync(join(tmpdir(), "rlm-llamacpp-cache-"));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stories260K.gguf`;
      const progress: DownloadProgress[] = [];
      const model = createLlamaCppModel({
        model: url,
        cacheDir,
        threads: 1,
        contextSize: 256,
        gpu: false,
        onDownloadProgress: (status) => progress.push(status),
      });
      const result = await model.chat([{ role: "user", content: "Once upon a time" }], {
        temperature: 0,
        maxTokens: 8,
      });
      expect(storiesReference().startsWith(result.text)).toBe(true);
      expect(readdirSync(cacheDir)).toEqual(["stories260K.gguf"]);
      expect(progress.at(-1)).toEqual({ downloadedBytes: bytes.length, totalBytes: bytes.length });
    } finally {
      server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
