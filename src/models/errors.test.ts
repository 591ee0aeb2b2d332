import { describe, expect, it } from "vitest";
import { ContextOverflowError, ModelCallError, overflowSizes } from "./errors.js";
import { defaultHttpError } from "./http/error-response.js";

describe("overflow sizes from server messages", () => {
  it("reads OpenAI, vLLM, Anthropic and llama.cpp wordings", () => {
    expect(
      overflowSizes(
        "This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens.",
      ),
    ).toEqual({ promptTokens: 5000, contextWindow: 4096 });
    expect(
      overflowSizes(
        "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion).",
      ),
    ).toEqual({ promptTokens: 9000, contextWindow: 8192 });
    expect(overflowSizes("prompt is too long: 210000 tokens > 200000 maximum")).toEqual({
      promptTokens: 210_000,
      contextWindow: 200_000,
    });
    expect(
      overflowSizes(
        "the request exceeds the available context size, try increasing it",
        '{"error":{"code":400,"type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}',
      ),
    ).toEqual({ promptTokens: 5000, contextWindow: 4096 });
    expect(overflowSizes("input too long")).toEqual({});
  });
});

describe("ModelCallError", () => {
  const failure = (status: number, message = "no") => ({
    url: "http://127.0.0.1:1/v1/chat/completions",
    status,
    message,
    errorType: undefined,
    body: "",
    retryAfterSeconds: undefined,
  });

  it("carries the backend's status and the URL called as fields", () => {
    const refused = defaultHttpError(failure(503), "the server", "key");
    expect(refused).toBeInstanceOf(ModelCallError);
    expect(refused).toMatchObject({
      code: "server-error",
      status: 503,
      url: "http://127.0.0.1:1/v1/chat/completions",
      isRetryable: true,
    });
    const overflow = defaultHttpError(
      failure(400, "maximum context length is 10 tokens"),
      "the server",
      "key",
    );
    expect(overflow).toBeInstanceOf(ContextOverflowError);
    expect(overflow).toMatchObject({ code: "context-overflow", status: 400, contextWindow: 10 });
  });
});
