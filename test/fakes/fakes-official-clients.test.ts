import { Ollama } from "ollama";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { closeAfterTest } from "./close-after-test.js";
import { startFakeOllama } from "./fake-ollama.js";
import { startFakeOpenAI } from "./fake-openai.js";
import type { FakeServer } from "./types.js";

/**
 * The fakes checked with the official `openai` and `ollama` npm clients (real HTTP, nothing mocked),
 * so they cannot drift from the real wire protocols our backends are tested against.
 */

describe("fake OpenAI server, seen by the official openai client", () => {
  const client = (server: FakeServer) =>
    new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-fake", maxRetries: 0 });

  it("answers a completion with usage", async () => {
    const server = closeAfterTest(
      await startFakeOpenAI(() => ({ text: "hello there", promptTokens: 4, completionTokens: 2 })),
    );
    const completion = await client(server).chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe("hello there");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-fake");
  });

  it("streams chunks, then a usage chunk when include_usage is asked", async () => {
    const server = closeAfterTest(
      await startFakeOpenAI(() => ({ text: "a b c", promptTokens: 5, completionTokens: 3 })),
    );
    const stream = await client(server).chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("a b c");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });
  });

  it("lists models and raises the client's own error classes with Retry-After", async () => {
    const server = closeAfterTest(
      await startFakeOpenAI(
        () => ({ fault: "status", status: 429, message: "slow down", headers: { "retry-after": "3" } }),
        {
          models: ["fake-model"],
          contextLength: 4_096,
        },
      ),
    );
    const models = await client(server).models.list();
    expect(models.data.map((model) => model.id)).toEqual(["fake-model"]);
    const error = await client(server)
      .chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBe("3");
    const missing = await client(server)
      .chat.completions.create({ model: "other", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });

  it("sends an in-stream error the client recognises", async () => {
    const server = closeAfterTest(
      await startFakeOpenAI(() => ({ fault: "stream-error", text: "so far", message: "worker died" })),
    );
    const stream = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const drained = (async () => {
      for await (const _chunk of stream) {
        // the error comes after the text
      }
    })();
    await expect(drained).rejects.toThrow("worker died");
  });

  it("reports a context overflow the way OpenAI does", async () => {
    const server = closeAfterTest(await startFakeOpenAI(() => ({ text: "x" }), { contextLength: 10 }));
    const error = await client(server)
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "long ".repeat(100) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
  });
});

describe("fake Ollama server, seen by the official ollama client", () => {
  const client = (server: FakeServer) => new Ollama({ host: server.url });

  it("answers /api/chat with counts, and thinking apart", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ text: "42", reasoning: "think", promptTokens: 9, completionTokens: 2 })),
    );
    const reply = await client(server).chat({
      model: "qwen3:4b",
      messages: [{ role: "user", content: "q" }],
      think: true,
    });
    expect(reply.message.content).toBe("42");
    expect(reply.message.thinking).toBe("think");
    expect(reply.done).toBe(true);
    expect(reply.done_reason).toBe("stop");
    expect(reply.prompt_eval_count).toBe(9);
    expect(reply.eval_count).toBe(2);
  });

  it("streams NDJSON ending with a done line", async () => {
    const server = closeAfterTest(await startFakeOllama(() => ({ text: "one two three" })));
    const stream = await client(server).chat({
      model: "qwen3:4b",
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    let text = "";
    let last: { done: boolean; eval_count: number } | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe("one two three");
    expect(last?.done).toBe(true);
    expect(last?.eval_count).toBeGreaterThan(0);
  });

  it("sends an in-stream error line the client recognises", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ fault: "stream-error", text: "so far", message: "runner crashed" })),
    );
    const stream = await client(server).chat({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    const drained = (async () => {
      for await (const _part of stream) {
        // the error comes after the text
      }
    })();
    await expect(drained).rejects.toThrow("runner crashed");
  });

  it("answers show, list and version, and 404s a model that is not pulled", async () => {
    const server = closeAfterTest(
      await startFakeOllama(() => ({ text: "x" }), {
        models: { "qwen3:4b": { contextLength: 40_960, architecture: "qwen3" } },
      }),
    );
    const show = await client(server).show({ model: "qwen3:4b" });
    // Typed as a Map by the client, but it is the JSON object the server sent.
    expect((show.model_info as unknown as Record<string, unknown>)["qwen3.context_length"]).toBe(40_960);
    expect((await client(server).version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await client(server).list()).models.map((model) => model.name)).toEqual(["qwen3:4b"]);
    const error = await client(server)
      .chat({ model: "llama3", messages: [{ role: "user", content: "q" }] })
      .catch((caught: unknown) => caught);
    // The client's ResponseError class is not exported; check its fields.
    expect(error).toMatchObject({
      name: "ResponseError",
      status_code: 404,
      error: expect.stringMatching(/not found, try pulling it first/),
    });
  });
});
