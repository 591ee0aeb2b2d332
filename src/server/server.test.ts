import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "../cli/__fixtures__/code-writing-policy.js";
import { RLM } from "../rlm/index.js";
import { createRlmServer, type RlmServer } from "./create-server.js";
import type { RequestLog } from "./server-options.js";

/**
 * The official `openai` client against `rlm serve`'s server, answered by real RLMs (real Python in
 * the process sandbox) whose models are a fake OpenAI-compatible backend writing code.
 */

let backend: FakeServer;
let slowBackend: FakeServer;
let rlmServer: RlmServer;
let baseURL: string;
const logs: RequestLog[] = [];
const API_KEY = "test-key-123";

beforeAll(async () => {
  backend = await startFakeOpenAI(codeWritingPolicy());
  slowBackend = await startFakeOpenAI(codeWritingPolicy({ extraTurns: 50, rootDelayMs: 300 }));
  rlmServer = createRlmServer({
    models: {
      rlm: `openai-compatible:${backend.url}/v1#root`,
      slow: `openai-compatible:${slowBackend.url}/v1#root`,
    },
    rlm: {
      subModel: `openai-compatible:${backend.url}/v1#sub`,
      sandbox: { runtime: "process" },
      limits: { maxIterations: 60 },
    },
    createEngine: (options) => new RLM(options),
    apiKey: API_KEY,
    onRequestEnd: (log) => logs.push(log),
  });
  baseURL = `${await rlmServer.listen(0)}/v1`;
});

afterAll(async () => {
  await rlmServer?.close();
  await backend?.close();
  await slowBackend?.close();
});

function client(apiKey = API_KEY): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0 });
}

describe("rlm serve with the official openai client", () => {
  it("lists the models", async () => {
    const models = await client().models.list();
    expect(models.data.map((model) => model.id)).toEqual(["rlm", "slow"]);
  });

  it("answers a plain and a streaming request at the same time, each over its own context", async () => {
    const plain = client().chat.completions.create({
      model: "rlm",
      messages: [
        { role: "user", content: "Log: the code is 17. Later the code is 4." },
        { role: "user", content: "Which codes appear?" },
      ],
    });
    const streamed = (async () => {
      // rlm_context is this server's extension field; the client passes unknown fields through.
      const body: OpenAI.ChatCompletionCreateParamsStreaming & { rlm_context: Record<string, string> } = {
        model: "rlm",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "Which codes appear?" }],
        rlm_context: { "a.txt": "the code is 808", "b.txt": "nothing here" },
      };
      const stream = await client().chat.completions.create(body);
      let text = "";
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      return { text, finish, usage };
    })();
    const [plainResult, streamResult] = await Promise.all([plain, streamed]);
    expect(plainResult.choices[0]?.message.content).toBe("codes=4,17 parts=1 files= sub=words=10");
    expect(plainResult.choices[0]?.finish_reason).toBe("stop");
    expect(plainResult.usage?.total_tokens).toBeGreaterThan(0);
    expect(streamResult).toMatchObject({
      text: "codes=808 parts=2 files=a.txt,b.txt sub=words=4",
      finish: "stop",
    });
    expect(streamResult.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("returns OpenAI-style errors the client raises as typed errors", async () => {
    await expect(
      client().chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "q" }] }),
    ).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    await expect(
      client().chat.completions.create({
        model: "rlm",
        messages: [{ role: "user", content: "only a question" }],
      }),
    ).rejects.toMatchObject({ status: 400, code: "missing_context", param: "messages" });
    await expect(client("wrong").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const raw = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: "{ not json",
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_json" },
    });
  });

  it("aborts the completion when the client goes away", async () => {
    const aborter = new AbortController();
    const stream = await client().chat.completions.create(
      {
        model: "slow",
        stream: true,
        messages: [
          { role: "user", content: "the code is 1" },
          { role: "user", content: "Which codes?" },
        ],
      },
      { signal: aborter.signal },
    );
    const consumed = (async () => {
      for await (const _chunk of stream) {
        // The role chunk arrives at once; the answer would take 50 slow turns.
      }
    })();
    while (slowBackend.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    aborter.abort();
    await consumed.catch(() => undefined);
    while (!logs.some((log) => log.model === "slow")) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.find((log) => log.model === "slow")).toMatchObject({ stream: true, stopReason: "aborted" });
    const seen = slowBackend.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(slowBackend.requests.length).toBe(seen);
    expect(seen).toBeLessThan(50);
  });
});

describe("rlm serve with the official ollama client (Ollama's native API)", () => {
  const ollama = (): Ollama =>
    new Ollama({ host: baseURL.replace(/\/v1$/, ""), headers: { Authorization: `Bearer ${API_KEY}` } });

  it("lists the models and answers plain and streaming chats", async () => {
    const tags = await ollama().list();
    expect(tags.models.map((model) => model.name)).toEqual(["rlm", "slow"]);
    const messages = [
      { role: "user", content: "note: the code is 2024" },
      { role: "user", content: "Which codes?" },
    ];
    const [plain, streamed] = await Promise.all([
      ollama().chat({ model: "rlm", messages, stream: false }),
      (async () => {
        let text = "";
        let last: { done: boolean; done_reason?: string; prompt_eval_count?: number } | undefined;
        for await (const part of await ollama().chat({ model: "rlm", messages, stream: true })) {
          text += part.message.content;
          last = part;
        }
        return { text, last };
      })(),
    ]);
    expect(plain.message.content).toBe("codes=2024 parts=1 files= sub=words=5");
    expect(plain).toMatchObject({ done: true, done_reason: "stop" });
    expect(plain.prompt_eval_count).toBeGreaterThan(0);
    expect(streamed.text).toBe("codes=2024 parts=1 files= sub=words=5");
    expect(streamed.last).toMatchObject({ done: true, done_reason: "stop" });
  });

  it("answers errors in Ollama's format, which the client raises", async () => {
    await expect(
      ollama().chat({ model: "nope", messages: [{ role: "user", content: "q" }], stream: false }),
    ).rejects.toMatchObject({
      status_code: 404,
      error: expect.stringContaining("The model `nope` does not exist"),
    });
    await expect(new Ollama({ host: baseURL.replace(/\/v1$/, "") }).list()).rejects.toMatchObject({
      status_code: 401,
    });
  });
});
