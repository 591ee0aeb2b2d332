import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import { runBackendSuite } from "../common.case.js";
import { createModel } from "../create-model.js";

runBackendSuite({
  name: "openai-compatible",
  start: async (policy, options) => {
    const server = await startFakeOpenAI(policy, { contextLength: options?.contextLength });
    return { server, model: createModel(`openai-compatible:${server.url}/v1#fake-model`, { env: {} }) };
  },
  sentOptions: (body) => ({ temperature: body.temperature, maxTokens: body.max_tokens }),
});

describe("openai backend specifics", () => {
  it("uses OPENAI_BASE_URL and OPENAI_API_KEY for openai: specs; a proxy base URL gets max_tokens", async () => {
    const server = await startFakeOpenAI(() => ({ text: "ok" }));
    closeAfterTest(server);
    const model = createModel("openai:gpt-4o-mini", {
      env: {
        OPENAI_BASE_URL: `${server.url}/v1`,
        OPENAI_API_KEY: "sk-test",
        OPENAI_ORG_ID: "org-1",
        OPENAI_PROJECT_ID: "proj-1",
      },
    });
    await model.chat([{ role: "user", content: "hi" }], { maxTokens: 9, stop: ["\n"] });
    const request = server.requests[0]!;
    expect(request.headers.authorization).toBe("Bearer sk-test");
    expect(request.headers).toMatchObject({ "openai-organization": "org-1", "openai-project": "proj-1" });
    expect(request.body.stop).toEqual(["\n"]);
    // Only api.openai.com itself wants max_completion_tokens; proxies and compatible servers take max_tokens.
    expect(request.body.max_tokens).toBe(9);
    expect((await model.info()).contextWindow).toBe(128_000);
  });

  it("asks for usage in streams and splits <think> tags a server left in the content", async () => {
    const server = await startFakeOpenAI(() => ({ text: "<think>hmm, let me see</think>\n\nthe answer" }));
    closeAfterTest(server);
    const model = createModel(`openai-compatible:${server.url}/v1#m`, { env: {} });
    const chunks = [];
    for await (const chunk of model.stream([{ role: "user", content: "q" }])) chunks.push(chunk);
    const text = chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.text : "")).join("");
    const reasoning = chunks.map((chunk) => (chunk.type === "reasoning-delta" ? chunk.text : "")).join("");
    expect(text).toBe("the answer");
    expect(reasoning).toBe("hmm, let me see");
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    const reply = await model.chat([{ role: "user", content: "q" }]);
    expect(reply).toMatchObject({ text: "the answer", reasoning: "hmm, let me see" });
  });

  it("sends think and JSON schema the way compatible servers read them", async () => {
    const server = await startFakeOpenAI(() => ({ text: "{}" }));
    closeAfterTest(server);
    const model = createModel(`openai-compatible:${server.url}/v1#m`, { env: {} });
    const schema = { type: "object", properties: {} };
    await model.chat([{ role: "user", content: "q" }], { think: false, jsonSchema: schema });
    const body = server.requests[0]!.body;
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "reply", schema, strict: false },
    });
  });

  it("reads a llama.cpp server's real window from /props, not the training context in /models", async () => {
    const server = await startFakeOpenAI(() => ({ text: "x" }), {
      contextLength: 6_000,
      flavor: "llama.cpp",
    });
    closeAfterTest(server);
    const model = createModel(`openai-compatible:${server.url}/v1#whatever.gguf`, { env: {} });
    expect((await model.info()).contextWindow).toBe(6_000);
  });

  it("suggests /v1 when a base URL without it answers 404", async () => {
    const server = await startFakeOpenAI(() => ({ text: "x" }));
    closeAfterTest(server);
    // The fake serves /chat/completions too, so point at a path that does not exist.
    const model = createModel(`openai-compatible:${server.url}/api#m`, { env: {} });
    await expect(model.chat([{ role: "user", content: "q" }])).rejects.toMatchObject({
      code: "not-found",
      hint: `Most servers want the base URL to end in /v1: try ${server.url}/api/v1.`,
    });
  });

  it("says which model is missing and how to list the served ones", async () => {
    const server = await startFakeOpenAI(() => ({ text: "x" }), { models: ["served"] });
    closeAfterTest(server);
    const model = createModel(`openai-compatible:${server.url}/v1#absent`, { env: {} });
    await expect(model.chat([{ role: "user", content: "q" }])).rejects.toMatchObject({
      code: "model-not-found",
      hint: expect.stringContaining("/models"),
    });
  });

  it("fails at creation when OPENAI_API_KEY is missing, naming the variable", () => {
    expect(() => createModel("openai:gpt-5-mini", { env: {} })).toThrowError(
      expect.objectContaining({
        code: "missing-api-key",
        message: expect.stringContaining("OPENAI_API_KEY"),
      }),
    );
  });

  it("never sends OPENAI_API_KEY to a compatible server, only OPENAI_COMPATIBLE_API_KEY", async () => {
    const server = await startFakeOpenAI(() => ({ text: "x" }));
    closeAfterTest(server);
    await createModel(`openai-compatible:${server.url}/v1#m`, { env: { OPENAI_API_KEY: "secret" } }).chat([
      { role: "user", content: "q" },
    ]);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    await createModel(`openai-compatible:${server.url}/v1#m`, {
      env: { OPENAI_COMPATIBLE_API_KEY: "local" },
    }).chat([{ role: "user", content: "q" }]);
    expect(server.requests[1]!.headers.authorization).toBe("Bearer local");
  });
});
