import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import type { ContextOverflowError } from "../errors.js";
import { createModelPool } from "../pool/index.js";
import type { ChatChunk, LanguageModel } from "../types.js";
import { createLlamaCppModel, type DownloadProgress, disposeLlamaCppModels } from "./index.js";
import { importNodeLlamaCpp } from "./load-library.js";

const MODELS_DIR = join(import.meta.dirname, "../../../../shared/models");
const STORIES = join(MODELS_DIR, "stories260K.gguf");
const RANDOM_TINY = join(MODELS_DIR, "random-tiny.gguf");
const haveModels = existsSync(STORIES) && existsSync(RANDOM_TINY);
if (!haveModels)
  console.warn(`Skipping llama.cpp inference tests: no tiny models in ${MODELS_DIR} (see its README).`);

/** The greedy reference continuation, read from the models' README rather than copied here. */
function storiesReference(): string {
  const readme = readFileSync(join(MODELS_DIR, "README.md"), "utf8");
  const match = /Greedy \(temperature 0\) completion of `Once upon a time` begins: `([^`]+)`/.exec(readme);
  if (match?.[1] === undefined) throw new Error("README.md no longer states the stories260K reference");
  return match[1];
}

// Always one thread on these shared 2-core machines (see the models' README).
const stories = (): LanguageModel =>
  createLlamaCppModel({ model: STORIES, threads: 1, contextSize: 256, gpu: false });
const tiny = (): LanguageModel =>
  createLlamaCppModel({ model: RANDOM_TINY, threads: 1, contextSize: 512, gpu: false });

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

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

describe.skipIf(!haveModels)("llamacpp real inference on the tiny models", () => {
  it("completes stories260K greedily exactly as the reference says", async () => {
    const result = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 40,
    });
    expect(result.text.startsWith(storiesReference())).toBe(true);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(40);
  });

  it("streams the same text it answers, then a finish chunk with usage", async () => {
    const messages = [{ role: "user" as const, content: "Once upon a time" }];
    const plain = await stories().chat(messages, { temperature: 0, maxTokens: 20 });
    const chunks = await collect(stories().stream(messages, { temperature: 0, maxTokens: 20 }));
    const text = chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.text : "")).join("");
    expect(chunks.filter((chunk) => chunk.type === "text-delta").length).toBeGreaterThan(1);
    expect(text).toBe(plain.text);
    expect(chunks.at(-1)).toEqual({ type: "finish", usage: plain.usage, finishReason: "length" });
  });

  it("stops at maxTokens with finish reason length, and at a stop string", async () => {
    const capped = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 5,
    });
    expect(capped.finishReason).toBe("length");
    expect(capped.usage.completionTokens).toBe(5);
    const stopped = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 60,
      stop: ["Lily"],
    });
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.text).not.toContain("Lily");
    expect(storiesReference().startsWith(stopped.text)).toBe(true);
  });

  it("never generates past the end of the context, and says it lowered maxTokens", async () => {
    const result = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 5_000,
    });
    expect(result.usage.promptTokens + result.usage.completionTokens).toBeLessThanOrEqual(256);
    expect(result.warnings?.join(" ")).toMatch(/maxTokens 5000 lowered to \d+/);
  });

  it("answers random-tiny through its ChatML template with JSON that parses and fits the schema", async () => {
    const schema = {
      type: "object",
      properties: {
        verdict: { type: "string", enum: ["yes", "no", "unsure"] },
        confident: { type: "boolean" },
      },
      required: ["verdict", "confident"],
    };
    const result = await tiny().chat(
      [
        { role: "system", content: "Answer in JSON." },
        { role: "user", content: "Is the sky blue?" },
      ],
      { temperature: 0, jsonSchema: schema, maxTokens: 60 },
    );
    const parsed = JSON.parse(result.text) as { verdict: string; confident: boolean };
    expect(["yes", "no", "unsure"]).toContain(parsed.verdict);
    expect(typeof parsed.confident).toBe("boolean");
    expect(result.finishReason).toBe("stop");
  });

  it("forces a ```repl block with a GBNF grammar", async () => {
    const grammar = 'root ::= "```repl\\n" [a-z ]{1,30} "\\n```"';
    const result = await tiny().chat([{ role: "user", content: "Write code." }], {
      temperature: 0,
      grammar,
      maxTokens: 60,
    });
    expect(result.text).toMatch(/^```repl\n[a-z ]{1,30}\n```$/);
  });

  it("reports a grammar that does not compile as invalid-grammar", async () => {
    const error = await tiny()
      .chat([{ role: "user", content: "x" }], { grammar: "root ::= (" })
      .catch((thrown: unknown) => thrown);
    expect((error as RlmError).code).toBe("invalid-grammar");
    expect((error as RlmError).message).toMatch(/failed to parse grammar/i);
  });

  it("cancels a generation on abort and serves the next call on the freed sequence", async () => {
    const controller = new AbortController();
    const reason = new RlmError("aborted", "test stop");
    const model = tiny();
    const running = model.stream([{ role: "user", content: "hello" }], {
      signal: controller.signal,
      maxTokens: 400,
    });
    const seen: ChatChunk[] = [];
    const error = await (async () => {
      for await (const chunk of running) {
        seen.push(chunk);
        if (seen.length === 3) controller.abort(reason);
      }
    })().catch((thrown: unknown) => thrown);
    expect(error).toBe(reason);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const after = await model.chat([{ role: "user", content: "hello" }], { temperature: 0, maxTokens: 4 });
    expect(after.usage.completionTokens).toBe(4);
  });

  it("stops generating when the consumer breaks out of the stream", async () => {
    const model = tiny();
    let count = 0;
    for await (const chunk of model.stream([{ role: "user", content: "hi" }], { maxTokens: 400 })) {
      if (chunk.type === "text-delta") count++;
      if (count === 2) break;
    }
    const after = await model.chat([{ role: "user", content: "hi" }], { temperature: 0, maxTokens: 3 });
    expect(after.usage.completionTokens).toBe(3);
  });

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

  it("runs from a llamacpp: spec through the model pool, counted at $0", async () => {
    const pool = createModelPool({ modelConfig: { llamacpp: { threads: 1, gpu: false, contextSize: 256 } } });
    const spec = `llamacpp:${STORIES}`;
    const result = await pool.get(spec).chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 12,
    });
    expect(storiesReference().startsWith(result.text)).toBe(true);
    expect(pool.usage()[spec]).toEqual({
      calls: 1,
      promptTokens: result.usage.promptTokens,
      completionTokens: 12,
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
