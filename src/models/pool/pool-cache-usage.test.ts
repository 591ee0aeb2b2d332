import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOllama, startFakeOpenAI } from "../../../test/fakes/index.js";
import type { FakePolicy } from "../../../test/fakes/types.js";
import { createModel } from "../create-model.js";
import type { ChatChunk } from "../types.js";
import { cacheKey } from "./cache-key.js";
import { createModelPool } from "./index.js";

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function serveOpenAI(policy: FakePolicy) {
  const server = await startFakeOpenAI(policy);
  closeAfterTest(server);
  return server;
}

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rlm-pool-cache-"));
  directories.push(dir);
  return dir;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const ask = (content: string) => [{ role: "user" as const, content }];

describe("pool cache", () => {
  it("answers a repeated call from disk without a second request, across pools", async () => {
    const server = await serveOpenAI((request) => ({ text: `answer to ${request.messages[0]?.content}` }));
    const spec = `openai-compatible:${server.url}/v1#fake`;
    const cacheDir = await temporaryDir();
    const first = await createModelPool({ cacheDir }).get(spec).chat(ask("q"), { temperature: 0 });
    const pool = createModelPool({ cacheDir });
    const again = await pool.get(spec).chat(ask("q"), { temperature: 0 });
    // Warnings belong to the call that produced them (here: "no price known"), not to the cached reply.
    const { warnings: _warnings, ...reply } = first;
    expect(again).toEqual(reply);
    expect(server.requests).toHaveLength(1);
    expect(pool.usage()[spec]).toMatchObject({ calls: 0, cachedCalls: 1, promptTokens: 0 });
    // Different options are a different call.
    await pool.get(spec).chat(ask("q"), { temperature: 0.5 });
    expect(server.requests).toHaveLength(2);
    // Written atomically: only final entries, no temporary files left behind.
    expect((await filesUnder(cacheDir)).every((file) => file.endsWith(".json"))).toBe(true);
  });

  it("replays a cached reply as a stream, and caches what a stream produced", async () => {
    const server = await serveOpenAI(() => ({ text: "streamed words here", reasoning: "thinking first" }));
    const spec = `openai-compatible:${server.url}/v1#fake`;
    const pool = createModelPool({ cacheDir: await temporaryDir() });
    const collect = async () => {
      const chunks: ChatChunk[] = [];
      for await (const chunk of pool.get(spec).stream(ask("s"))) chunks.push(chunk);
      return chunks;
    };
    const live = await collect();
    const replayed = await collect();
    const text = (chunks: ChatChunk[]) => chunks.map((c) => (c.type === "text-delta" ? c.text : "")).join("");
    expect(text(replayed)).toBe(text(live));
    expect(replayed.at(-1)).toEqual(live.at(-1));
    expect(server.requests).toHaveLength(1);
    expect((await pool.get(spec).chat(ask("s"))).reasoning).toBe("thinking first");
    expect(server.requests).toHaveLength(1);
  });

  it("treats a damaged entry as a miss and overwrites it", async () => {
    const server = await serveOpenAI(() => ({ text: "fresh" }));
    const spec = `openai-compatible:${server.url}/v1#fake`;
    const cacheDir = await temporaryDir();
    const pool = createModelPool({ cacheDir });
    await pool.get(spec).chat(ask("d"));
    const [file] = await filesUnder(cacheDir);
    expect(file).toContain(cacheKey(spec, ask("d"), undefined));
    await writeFile(file!, '{"version": 1, "spec": "half-writ');
    expect((await pool.get(spec).chat(ask("d"))).text).toBe("fresh");
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(await readFile(file!, "utf8"))).toMatchObject({
      version: 1,
      result: { text: "fresh" },
    });
  });
});

describe("pool usage", () => {
  it("totals calls, tokens and cost exactly per model, streams included", async () => {
    const server = await serveOpenAI(() => ({ text: "ok", promptTokens: 1_000, completionTokens: 250 }));
    const spec = `openai-compatible:${server.url}/v1#priced`;
    const pool = createModelPool({ prices: { priced: { inputPerMillion: 3, outputPerMillion: 15 } } });
    const model = pool.get(spec);
    await Promise.all(Array.from({ length: 7 }, () => model.chat(ask("u"))));
    for await (const _chunk of model.stream(ask("u"))) {
      // consume
    }
    const totals = pool.usage()[spec]!;
    expect(totals).toMatchObject({ calls: 8, promptTokens: 8_000, completionTokens: 2_000 });
    expect(totals.costUsd).toBeCloseTo((8_000 * 3 + 2_000 * 15) / 1_000_000, 12);
  });

  it("counts local Ollama models at $0, and warns once about a remote model without a price", async () => {
    const ollama = await startFakeOllama(() => ({ text: "local", promptTokens: 40, completionTokens: 9 }));
    closeAfterTest(ollama);
    const openai = await serveOpenAI(() => ({ text: "remote", promptTokens: 5, completionTokens: 5 }));
    const pool = createModelPool({ modelConfig: { env: { OLLAMA_HOST: ollama.url } } });
    const local = await pool.get("ollama:qwen3:4b").chat(ask("x"));
    expect(local.warnings ?? []).toEqual([]);
    // A hosted-looking spec whose requests go to the fake (baseUrl overrides the host in the spec).
    const remoteSpec = "openai-compatible:https://llm.example.com/v1#mystery";
    const remote = pool.get(createModel(remoteSpec, { baseUrl: `${openai.url}/v1` }));
    const first = await remote.chat(ask("x"));
    const second = await remote.chat(ask("x"));
    expect(first.warnings?.join(" ")).toContain("No price known");
    expect(second.warnings ?? []).toEqual([]);
    expect(pool.usage()).toMatchObject({
      "ollama:qwen3:4b": { calls: 1, promptTokens: 40, completionTokens: 9, costUsd: 0 },
      [remoteSpec]: { calls: 2, promptTokens: 10, completionTokens: 10, costUsd: 0 },
    });
  });
});
