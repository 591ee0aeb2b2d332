/**
 * The AI SDK adapter at its boundary: a real `@ai-sdk/openai-compatible` provider (specification
 * V4) pointed at the fake OpenAI server on 127.0.0.1, driven through `fromAiSdk` and through the
 * pool. It runs the suite every backend runs, so an AI SDK model fails and cancels the way the
 * built-in backends do.
 */

import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamResult,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  LoadAPIKeyError,
} from "@ai-sdk/provider";
import { extractReasoningMiddleware, wrapLanguageModel } from "ai";
import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import type { FakePolicy } from "../../../test/fakes/types.js";
import { RlmError } from "../../errors/index.js";
import { runBackendSuite } from "../common.case.js";
import { ModelCallError } from "../errors.js";
import { createModelPool } from "../pool/index.js";
import type { ChatChunk } from "../types.js";
import { fromAiSdk } from "./index.js";
import { mapAiSdkError } from "./map-error.js";

function provider(baseURL: string) {
  return createOpenAICompatible({ name: "fake", baseURL, includeUsage: true });
}

async function fakeProvider(policy: FakePolicy, options: { contextLength?: number } = {}) {
  const server = closeAfterTest(await startFakeOpenAI(policy, options));
  return { server, provider: provider(`${server.url}/v1`) };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<RlmError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RlmError);
  return error as RlmError;
}

/**
 * The previous specification (V3), played by the real V4 provider under a V3 face: the adapter
 * must not send V4's `reasoning` option to it, and reads its results the same way. Text-only
 * prompts, text and reasoning parts, usage and the finish reasons a fake answers with have the
 * same shape in both versions, so the values pass from one to the other as they are.
 */
function asV3(model: LanguageModelV4): LanguageModelV3 {
  const v4Options = (options: LanguageModelV3CallOptions): LanguageModelV4CallOptions => {
    expect(options).not.toHaveProperty("reasoning");
    return options as unknown as LanguageModelV4CallOptions;
  };
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: {},
    doGenerate: async (options) =>
      (await model.doGenerate(v4Options(options))) as unknown as LanguageModelV3GenerateResult,
    doStream: async (options) =>
      (await model.doStream(v4Options(options))) as unknown as LanguageModelV3StreamResult,
  };
}

runBackendSuite({
  name: "ai-sdk (openai-compatible provider)",
  start: async (policy, options) => {
    const server = await startFakeOpenAI(policy, { contextLength: options?.contextLength });
    return { server, model: fromAiSdk(provider(`${server.url}/v1`)("fake-model")) };
  },
  sentOptions: (body) => ({ temperature: body.temperature, maxTokens: body.max_tokens }),
  skip: {
    "context-window":
      "AI SDK models do not report a window; the contextWindow option and the known-model table are tested below",
  },
});

describe("fromAiSdk", () => {
  it("names the model ai-sdk:provider:modelId and adapts each bare object once", async () => {
    const { provider } = await fakeProvider(() => ({ text: "x" }));
    const aiModel = provider("fake-model");
    const model = fromAiSdk(aiModel);
    expect(model.spec).toBe("ai-sdk:fake.chat:fake-model");
    expect(fromAiSdk(aiModel)).toBe(model);
    expect(fromAiSdk(aiModel, { contextWindow: 1_000 })).not.toBe(model);
  });

  it("takes the context window from the option, else the known models, else says it does not know", async () => {
    const { provider } = await fakeProvider(() => ({ text: "x" }));
    expect(await fromAiSdk(provider("m"), { contextWindow: 32_768 }).info()).toEqual({
      spec: "ai-sdk:fake.chat:m",
      provider: "ai-sdk",
      model: "m",
      contextWindow: 32_768,
    });
    expect((await fromAiSdk(provider("gpt-4o-mini")).info()).contextWindow).toBe(128_000);
    expect((await fromAiSdk(provider("qwen3:4b")).info()).contextWindow).toBe(40_960);
    const error = await rejection(fromAiSdk(provider("my-finetune")).info());
    expect(error.code).toBe("context-window-unknown");
    expect(error.message).toContain("fromAiSdk(model, { contextWindow })");
    expect(() => fromAiSdk(provider("m"), { contextWindow: 0 })).toThrow(/whole number/);
  });

  it("refuses objects that are not AI SDK models of specification v4 or v3", () => {
    const v2 = { specificationVersion: "v2", provider: "p", modelId: "m", doGenerate: () => undefined };
    expect(() => fromAiSdk(v2 as unknown as LanguageModelV4)).toThrow(/specification v2 are not supported/);
    expect(() => fromAiSdk({} as LanguageModelV4)).toThrow(RlmError);
  });

  it("maps messages and options to the AI SDK call, and says what it could not send", async () => {
    const { server, provider } = await fakeProvider(() => ({ text: "{}" }));
    const model = fromAiSdk(provider("m"));
    const schema = { type: "object", properties: {} };
    const reply = await model.chat(
      [
        { role: "system", content: "be brief" },
        { role: "user", content: "q1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "q2" },
      ],
      { stop: ["\n"], think: false, jsonSchema: schema, grammar: "root ::= x", timeoutMs: 5_000 },
    );
    const body = server.requests[0]!.body;
    expect(server.requests[0]!.messages).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q2" },
    ]);
    expect(body.stop).toEqual(["\n"]);
    expect(body.reasoning_effort).toBe("none");
    // This provider sends a schema only with supportsStructuredOutputs, and says so in a warning.
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(reply.warnings).toEqual([
      "grammar is only supported by the llamacpp backend; it was ignored",
      "responseFormat is not supported: JSON response format schema is only supported with structuredOutputs",
    ]);
  });

  it("splits a <think> block a server left in the text, in calls and streams", async () => {
    const { provider } = await fakeProvider(() => ({ text: "<think>hmm</think>\n\nthe answer" }));
    const model = fromAiSdk(provider("m"));
    expect(await model.chat([{ role: "user", content: "q" }])).toMatchObject({
      text: "the answer",
      reasoning: "hmm",
    });
    const chunks = await collect(model.stream([{ role: "user", content: "q" }]));
    const joined = (type: ChatChunk["type"]) =>
      chunks.map((chunk) => (chunk.type === type && "text" in chunk ? chunk.text : "")).join("");
    expect(joined("text-delta")).toBe("the answer");
    expect(joined("reasoning-delta")).toBe("hmm");
  });

  it("carries the status and URL of a refused call, and reads 403 as a refused key", async () => {
    const { server, provider } = await fakeProvider(() => ({
      fault: "status",
      status: 403,
      message: "forbidden",
    }));
    const error = await rejection(fromAiSdk(provider("m")).chat([{ role: "user", content: "hi" }]));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({
      code: "authentication-failed",
      status: 403,
      url: `${server.url}/v1/chat/completions`,
      isRetryable: false,
    });
    expect(error.message).toBe("the AI SDK provider fake.chat (model m) answered 403: forbidden");
  });

  it("reads errors the AI SDK raises before or without a response", () => {
    const target = { provider: "openai.chat", modelId: "gpt-4o" };
    expect(
      mapAiSdkError(new LoadAPIKeyError({ message: "OPENAI_API_KEY is missing" }), target),
    ).toMatchObject({
      code: "missing-api-key",
    });
    const quota = new APICallError({
      message: "You exceeded your current quota",
      url: "https://api.openai.com/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 429,
      data: { error: { message: "You exceeded your current quota", type: "insufficient_quota" } },
    });
    expect(mapAiSdkError(quota, target)).toMatchObject({
      code: "quota-exceeded",
      isRetryable: false,
      status: 429,
    });
    const own = new Error("not the AI SDK's");
    expect(mapAiSdkError(own, target)).toBe(own);
  });

  it("drives a model wrapped in ai's middleware (a V4 model made by ai itself)", async () => {
    const { provider } = await fakeProvider(() => ({ text: "<reflect>check</reflect>done" }));
    const wrapped = wrapLanguageModel({
      model: provider("m"),
      middleware: extractReasoningMiddleware({ tagName: "reflect" }),
    });
    expect(await fromAiSdk(wrapped).chat([{ role: "user", content: "q" }])).toMatchObject({
      text: "done",
      reasoning: "check",
    });
  });

  it("drives a V3 model too: no reasoning option sent, think becomes a warning", async () => {
    const { server, provider } = await fakeProvider(() => ({
      text: "42",
      promptTokens: 5,
      completionTokens: 2,
    }));
    const model = fromAiSdk(asV3(provider("m")), { contextWindow: 4_096 });
    const reply = await model.chat([{ role: "user", content: "q" }], { think: true, maxTokens: 9 });
    expect(reply).toMatchObject({
      text: "42",
      usage: { promptTokens: 5, completionTokens: 2 },
      finishReason: "stop",
      warnings: [
        "think is not supported by AI SDK V3 models (they have no reasoning option); it was ignored",
      ],
    });
    expect(server.requests[0]!.body).not.toHaveProperty("reasoning_effort");
    const chunks = await collect(model.stream([{ role: "user", content: "q" }]));
    expect(chunks.at(-1)).toEqual({
      type: "finish",
      usage: { promptTokens: 5, completionTokens: 2 },
      finishReason: "stop",
    });
  });
});

describe("AI SDK models in the pool", () => {
  it("adapts the object once: the same pooled model, usage under its spec", async () => {
    const { provider } = await fakeProvider(() => ({ text: "ok", promptTokens: 10, completionTokens: 3 }));
    const pool = createModelPool();
    const aiModel = provider("m");
    const pooled = pool.get(aiModel);
    expect(pool.get(aiModel)).toBe(pooled);
    expect(pool.get(fromAiSdk(aiModel))).toBe(pooled);
    await pooled.chat([{ role: "user", content: "hi" }]);
    await collect(pooled.stream([{ role: "user", content: "hi" }]));
    expect(pool.usage()["ai-sdk:fake.chat:m"]).toMatchObject({
      calls: 2,
      promptTokens: 20,
      completionTokens: 6,
    });
    await pool.close();
  });

  it("retries a 429 after its Retry-After, then answers", async () => {
    let attempts = 0;
    const { server, provider } = await fakeProvider(() =>
      ++attempts === 1
        ? { fault: "status", status: 429, message: "slow down", headers: { "retry-after": "1" } }
        : { text: "finally" },
    );
    const pool = createModelPool({ retryBaseDelayMs: 1 });
    const started = performance.now();
    const reply = await pool.get(provider("m")).chat([{ role: "user", content: "hi" }]);
    expect(reply.text).toBe("finally");
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    await pool.close();
  });

  it("holds the pool's concurrency limit", async () => {
    const { server, provider } = await fakeProvider(() => ({ text: "ok", delayMs: 50 }));
    const pool = createModelPool({ concurrency: 2 });
    const model = pool.get(provider("m"));
    await Promise.all(Array.from({ length: 6 }, () => model.chat([{ role: "user", content: "hi" }])));
    expect(server.requests).toHaveLength(6);
    expect(server.maxInFlight).toBe(2);
    await pool.close();
  });
});
