import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOllama, startFakeOpenAI } from "../../../test/fakes/index.js";
import { runBackendSuite } from "../common.case.js";
import { createModel } from "../create-model.js";
import { ContextOverflowError } from "../errors.js";

runBackendSuite({
  name: "ollama",
  start: async (policy, options) => {
    const server = await startFakeOllama(policy, { contextLength: options?.contextLength });
    return { server, model: createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } }) };
  },
  sentOptions: (body) => {
    const options = body.options as Record<string, unknown>;
    return { temperature: options.temperature, maxTokens: options.num_predict };
  },
});

describe("ollama backend specifics", () => {
  it("always sets num_ctx (so Ollama does not truncate at its small default), plus keep_alive and think", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "ok" }), { contextLength: 40_960 }));
    const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url }, keepAlive: "10m" });
    await model.chat([{ role: "user", content: "hi" }], { think: false });
    const body = server.requests[0]!.body;
    expect((body.options as Record<string, unknown>).num_ctx).toBe(8_192);
    expect(body.keep_alive).toBe("10m");
    expect(body.think).toBe(false);
    expect(body.stream).toBe(false);
  });

  it("grows num_ctx in powers of two for a long prompt, up to the window, and keeps it", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "ok" }), { contextLength: 40_960 }));
    const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } });
    await model.chat([{ role: "user", content: "x".repeat(60_000) }]);
    await model.chat([{ role: "user", content: "short" }]);
    const sizes = server.requests.map((request) => (request.body.options as Record<string, unknown>).num_ctx);
    expect(sizes).toEqual([32_768, 32_768]);
    await model.chat([{ role: "user", content: "x".repeat(110_000) }]);
    expect((server.requests[2]!.body.options as Record<string, unknown>).num_ctx).toBe(40_960);
  });

  it.each([
    ["half", 2_050],
    ["fill", 4_096],
  ] as const)(
    "raises context-overflow when Ollama cut the prompt (%s runner) instead of answering from it",
    async (truncation, kept) => {
      // Like Ollama's runners, the fake reports the count it kept after silently cutting the prompt.
      const server = closeAfterTest(
        await startFakeOllama(() => ({ text: "answer from a cut prompt", promptTokens: 50_000 }), {
          truncation,
        }),
      );
      const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url }, numCtx: 4_096 });
      const error = await model
        .chat([{ role: "user", content: "short text, dense tokens" }])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContextOverflowError);
      expect(error).toMatchObject({ promptTokens: kept, contextWindow: 4_096 });
      const streamed = (async () => {
        for await (const _chunk of model.stream([{ role: "user", content: "again" }])) {
          // drain
        }
      })();
      await expect(streamed).rejects.toBeInstanceOf(ContextOverflowError);
    },
  );

  it("sizes num_ctx generously for non-ASCII text (about two tokens a character)", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "ok" }), { contextLength: 131_072 }));
    const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } });
    await model.chat([{ role: "user", content: "漢".repeat(10_000) }]);
    expect((server.requests[0]!.body.options as Record<string, unknown>).num_ctx).toBe(32_768);
  });

  it("starts num_ctx at the context the model is already loaded with, so Ollama does not reload it", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ text: "ok" }), {
        models: { "qwen3:4b": { contextLength: 40_960, loadedContext: 16_384 } },
      }),
    );
    const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } });
    await model.chat([{ role: "user", content: "hi" }]);
    expect((server.requests[0]!.body.options as Record<string, unknown>).num_ctx).toBe(16_384);
  });

  it("a caller aborting during the /api/show lookup does not fail the calls waiting on the same lookup", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "ok" })));
    const model = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } });
    const controller = new AbortController();
    const cancelled = model.chat([{ role: "user", content: "a" }], { signal: controller.signal });
    const others = [model.chat([{ role: "user", content: "b" }]), model.info()];
    controller.abort(new Error("only me"));
    await expect(cancelled).rejects.toThrow("only me");
    const [reply, info] = await Promise.all(others);
    expect(reply).toMatchObject({ text: "ok" });
    expect(info).toMatchObject({ contextWindow: 40_960 });
  });

  it("drops think for a model that cannot think, with a warning, and stops sending it", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ text: "plain" }), {
        models: { "llama3.2:latest": { thinking: false } },
      }),
    );
    const model = createModel("ollama:llama3.2", { env: { OLLAMA_HOST: server.url } });
    const first = await model.chat([{ role: "user", content: "hi" }], { think: true });
    expect(first).toMatchObject({
      text: "plain",
      warnings: ["this model does not support thinking; think was ignored"],
    });
    const chunks = [];
    for await (const chunk of model.stream([{ role: "user", content: "hi" }], { think: true }))
      chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ type: "finish" });
    expect(server.requests.map((request) => request.body.think)).toEqual([true, undefined, undefined]);
  });

  it("reads the window from /api/show model_info and says to pull a missing model", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ text: "ok" }), {
        models: { "llama3.2:latest": { contextLength: 131_072, architecture: "llama" } },
      }),
    );
    const present = createModel("ollama:llama3.2", { env: { OLLAMA_HOST: server.url } });
    expect(await present.info()).toEqual({
      spec: "ollama:llama3.2",
      provider: "ollama",
      model: "llama3.2",
      contextWindow: 131_072,
    });
    const missing = createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } });
    const error = await missing.chat([{ role: "user", content: "hi" }]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "model-not-found", hint: "Pull it first: ollama pull qwen3:4b" });
  });

  it("says OLLAMA_HOST points at something else when the Ollama routes are missing", async () => {
    const other = closeAfterTest(await startFakeOpenAI(() => ({ text: "x" })));
    const error = await createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: other.url } })
      .chat([{ role: "user", content: "hi" }])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "not-found", hint: expect.stringContaining("OLLAMA_HOST") });
  });

  it("tells the user to run ollama serve or set OLLAMA_HOST when nothing listens", async () => {
    const server = await startFakeOllama(() => ({ text: "x" }));
    await server.close();
    const error = await createModel("ollama:qwen3:4b", { env: { OLLAMA_HOST: server.url } })
      .chat([{ role: "user", content: "hi" }])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "backend-unreachable",
      hint: expect.stringMatching(/ollama serve.*OLLAMA_HOST/),
    });
  });

  it("talks to Ollama Cloud with the OLLAMA_API_KEY bearer and without num_ctx", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "cloud" })));
    const model = createModel("ollama-cloud:gpt-oss:120b", {
      baseUrl: server.url,
      env: { OLLAMA_API_KEY: "key-1" },
    });
    expect((await model.chat([{ role: "user", content: "hi" }])).text).toBe("cloud");
    const request = server.requests[0]!;
    expect(request.headers.authorization).toBe("Bearer key-1");
    expect((request.body.options as Record<string, unknown>).num_ctx).toBeUndefined();
    expect(() => createModel("ollama-cloud:gpt-oss:120b", { env: {} })).toThrowError(
      expect.objectContaining({
        code: "missing-api-key",
        message: expect.stringContaining("OLLAMA_API_KEY"),
      }),
    );
  });
});
