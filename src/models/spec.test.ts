import { describe, expect, it } from "vitest";
import { parseModelSpec } from "./spec.js";

describe("parseModelSpec", () => {
  it("keeps the colons of the model name", () => {
    expect(parseModelSpec("ollama:qwen3:4b")).toEqual({
      provider: "ollama",
      spec: "ollama:qwen3:4b",
      model: "qwen3:4b",
    });
    expect(parseModelSpec("ollama-cloud:gpt-oss:120b")).toMatchObject({
      provider: "ollama-cloud",
      model: "gpt-oss:120b",
    });
    expect(parseModelSpec("openai:gpt-5-mini")).toMatchObject({ provider: "openai", model: "gpt-5-mini" });
    expect(parseModelSpec("anthropic:claude-sonnet-4-5")).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
    });
  });

  it("splits an openai-compatible spec into base URL and model", () => {
    expect(parseModelSpec("openai-compatible:http://host:8000/v1/#org/model:q4")).toEqual({
      provider: "openai-compatible",
      spec: "openai-compatible:http://host:8000/v1/#org/model:q4",
      baseUrl: "http://host:8000/v1",
      model: "org/model:q4",
    });
  });

  it("tells a llama.cpp file from an hf: URI", () => {
    expect(parseModelSpec("llamacpp:../shared/models/x.gguf")).toMatchObject({
      provider: "llamacpp",
      model: "../shared/models/x.gguf",
      source: "path",
    });
    expect(parseModelSpec("llamacpp:hf:org/repo:Q4_K_M")).toMatchObject({
      model: "hf:org/repo:Q4_K_M",
      source: "hf",
    });
  });

  it.each([
    ["qwen3", /no provider prefix/],
    ["gemini:pro", /unknown provider "gemini"/],
    ["ollama:", /model name is empty/],
    ["openai-compatible:host:8000/v1#m", /must start with http/],
    ["openai-compatible:http://host:8000/v1", /after `#` is missing/],
    ["ai-sdk:openai.chat:gpt-4o", /names an AI SDK model object passed in code/],
  ])("rejects %s with a hint showing valid specs", (spec, message) => {
    expect(() => parseModelSpec(spec)).toThrowError(
      expect.objectContaining({
        code: "invalid-model-spec",
        message: expect.stringMatching(message),
        hint: expect.stringContaining("ollama:qwen3:4b"),
      }),
    );
  });
});
