import { afterAll, describe, expect, it } from "vitest";
import { createModel, resolveEndpoints } from "./create-model.js";
import { haveTinyModels, STORIES, storiesReference } from "./llamacpp/__fixtures__/tiny-models.js";
import { disposeLlamaCppModels } from "./llamacpp/index.js";

describe("createModel", () => {
  it("builds each network backend from its spec without contacting anything", () => {
    const environment = { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k", OLLAMA_API_KEY: "k" };
    for (const spec of [
      "ollama:qwen3:4b",
      "ollama-cloud:gpt-oss:120b",
      "openai:gpt-5-mini",
      "openai-compatible:http://127.0.0.1:9/v1#m",
      "anthropic:claude-sonnet-4-5",
    ]) {
      expect(createModel(spec, { env: environment }).spec).toBe(spec);
    }
  });

  it("refuses a context window that is not a whole number of tokens", () => {
    expect(() => createModel("ollama:qwen3:4b", { env: {}, contextWindow: 0 })).toThrowError(
      expect.objectContaining({ code: "invalid-config", message: expect.stringContaining("contextWindow") }),
    );
    expect(() => createModel("ollama:qwen3:4b", { env: {}, numCtx: 1.5 })).toThrowError(
      expect.objectContaining({ code: "invalid-config" }),
    );
  });

  it("loads the embedded backend only on first use, and its errors arrive then", async () => {
    const model = createModel("llamacpp:/nonexistent/model.gguf");
    expect(model.spec).toBe("llamacpp:/nonexistent/model.gguf");
    await expect(model.chat([{ role: "user", content: "hi" }])).rejects.toMatchObject({
      code: "model-not-found",
    });
  });

  it("lists every endpoint of an Ollama fleet, one for other backends", () => {
    expect(resolveEndpoints("ollama:qwen3:4b", { env: { OLLAMA_HOST: "gpu1,gpu2:11500" } })).toEqual([
      "http://gpu1:11434",
      "http://gpu2:11500",
    ]);
    expect(resolveEndpoints("ollama:qwen3:4b", { env: {}, baseUrl: "gpu3" })).toEqual(["http://gpu3:11434"]);
    expect(resolveEndpoints("openai:gpt-5-mini", { env: { OPENAI_BASE_URL: "http://proxy/v1/" } })).toEqual([
      "http://proxy/v1",
    ]);
    expect(resolveEndpoints("ollama-cloud:gpt-oss:120b", { env: {} })).toEqual(["https://ollama.com"]);
    expect(resolveEndpoints("llamacpp:x.gguf")).toEqual([]);
  });
});

describe.skipIf(!haveTinyModels)("createModel with the embedded backend", () => {
  afterAll(disposeLlamaCppModels);

  it("passes the spec's file and the config through: a real greedy completion in the window asked for", async () => {
    const model = createModel(`llamacpp:${STORIES}`, {
      contextWindow: 256,
      llamacpp: { threads: 1, gpu: false },
    });
    const reply = await model.chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 30,
    });
    expect(reply.text.startsWith(storiesReference().slice(0, 40))).toBe(true);
    expect(await model.info()).toMatchObject({ provider: "llamacpp", contextWindow: 256 });
  });
});
