import { describe, expect, it } from "vitest";
import { costUsd, lookupPrice, splitSpec } from "./prices.js";

describe("prices", () => {
  it("finds dated snapshots by their family's longest prefix", () => {
    expect(lookupPrice("anthropic:claude-sonnet-4-5-20250929", undefined)).toMatchObject({
      source: "default",
      price: { inputPerMillion: 3, outputPerMillion: 15 },
    });
    expect(lookupPrice("openai:gpt-5-mini-2025-08-07", undefined).price).toEqual({
      inputPerMillion: 0.25,
      outputPerMillion: 2,
    });
  });

  it("counts local providers at $0 and prefers configured prices, by spec then model name", () => {
    expect(lookupPrice("ollama:qwen3:4b", undefined)).toMatchObject({
      source: "local",
      price: { inputPerMillion: 0 },
    });
    expect(lookupPrice("llamacpp:hf:org/repo:Q4_K_M", undefined).source).toBe("local");
    const configured = { "gpt-5-mini": { inputPerMillion: 1, outputPerMillion: 1 } };
    expect(lookupPrice("openai:gpt-5-mini", configured)).toMatchObject({
      source: "configured",
      price: configured["gpt-5-mini"],
    });
    expect(lookupPrice("openai-compatible:http://h/v1#gpt-5-mini", configured).source).toBe("configured");
  });

  it("counts OpenAI-compatible servers on loopback or private addresses as local", () => {
    expect(lookupPrice("openai-compatible:http://127.0.0.1:8000/v1#m", undefined).source).toBe("local");
    const fleet = "openai-compatible:http://localhost:8000/v1,http://192.168.1.9:8000/v1#m";
    expect(lookupPrice(fleet, undefined).source).toBe("local");
    const mixed = "openai-compatible:http://10.0.0.2/v1,https://openrouter.ai/api/v1#m";
    expect(lookupPrice(mixed, undefined).source).toBe("unknown");
  });

  it("knows nothing about other remote models", () => {
    expect(lookupPrice("openai-compatible:https://openrouter.ai/api/v1#llama", undefined)).toEqual({
      price: undefined,
      source: "unknown",
    });
    expect(lookupPrice("ollama-cloud:gpt-oss:120b", undefined).source).toBe("unknown");
  });

  it("prices an AI SDK model as its vendor's backend does, by its model id", () => {
    expect(lookupPrice("ai-sdk:openai.chat:gpt-5-mini", undefined)).toEqual({
      source: "default",
      price: { inputPerMillion: 0.25, outputPerMillion: 2 },
    });
    expect(lookupPrice("ai-sdk:anthropic.messages:claude-sonnet-4-5", undefined).source).toBe("default");
    expect(lookupPrice("ai-sdk:ollama:qwen3:4b", undefined).source).toBe("local");
    expect(lookupPrice("ai-sdk:local.chat:gpt-5-mini", undefined).source).toBe("unknown");
    const configured = { "my-model": { inputPerMillion: 1, outputPerMillion: 2 } };
    expect(lookupPrice("ai-sdk:local.chat:my-model", configured)).toMatchObject({ source: "configured" });
    expect(splitSpec("ai-sdk:ollama:qwen3:4b")).toEqual({ provider: "ollama", model: "qwen3:4b" });
  });

  it("splits specs and computes cost per million tokens", () => {
    expect(splitSpec("openai-compatible:http://h:8000/v1#m")).toEqual({
      provider: "openai-compatible",
      model: "m",
    });
    expect(splitSpec("ollama:qwen3:4b")).toEqual({ provider: "ollama", model: "qwen3:4b" });
    expect(costUsd({ inputPerMillion: 2, outputPerMillion: 8 }, 500_000, 250_000)).toBeCloseTo(3, 12);
  });
});
