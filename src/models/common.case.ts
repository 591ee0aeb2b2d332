import { afterEach, describe, expect, it } from "vitest";
import type { FakePolicy, FakeServer } from "../../test/fakes/types.js";
import { RlmError } from "../errors/index.js";
import { ContextOverflowError } from "./errors.js";
import type { ChatChunk, LanguageModel } from "./types.js";

/**
 * One suite every backend runs against its fake server (STYLE.md item 6), so no backend can
 * silently lack what another has. A backend may skip a case only with a reason, shown in the output.
 */

export type CommonCase =
  | "reasoning"
  | "context-window"
  | "context-overflow"
  | "authentication"
  | "stream-cut"
  | "malformed";

export interface BackendUnderTest {
  name: string;
  /** Starts the backend's fake server with this policy and a model pointed at it. */
  start(
    policy: FakePolicy,
    options?: { contextLength?: number },
  ): Promise<{ server: FakeServer; model: LanguageModel }>;
  /** Where this backend's request body carries the sampling temperature and the reply token cap. */
  sentOptions(body: Record<string, unknown>): { temperature: unknown; maxTokens: unknown };
  /** Cases this backend cannot run, each with the reason. */
  skip?: Partial<Record<CommonCase, string>>;
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks: ChatChunk[], type: "text-delta" | "reasoning-delta"): string =>
  chunks.map((chunk) => (chunk.type === type ? chunk.text : "")).join("");

async function rejection(promise: Promise<unknown>): Promise<RlmError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RlmError);
  return error as RlmError;
}

const waitFor = async (condition: () => boolean): Promise<void> => {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
};

export function runBackendSuite(backend: BackendUnderTest): void {
  describe(`${backend.name}: shared backend suite`, () => {
    const servers: FakeServer[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });
    const start: BackendUnderTest["start"] = async (policy, options) => {
      const started = await backend.start(policy, options);
      servers.push(started.server);
      return started;
    };
    const test = (name: string, kind: CommonCase | undefined, body: () => Promise<void>): void => {
      const reason = kind === undefined ? undefined : backend.skip?.[kind];
      if (reason) it.skip(`${name} (skipped: ${reason})`, body);
      else it(name, body);
    };

    test(
      "answers a plain call with text, usage and finish reason, sending the messages and options",
      undefined,
      async () => {
        const { server, model } = await start((request) => ({
          text: `echo: ${request.messages.at(-1)?.content}`,
          promptTokens: 11,
          completionTokens: 7,
        }));
        const reply = await model.chat(
          [
            { role: "system", content: "be brief" },
            { role: "user", content: "hello" },
          ],
          { temperature: 0, maxTokens: 50 },
        );
        expect(reply).toMatchObject({
          text: "echo: hello",
          usage: { promptTokens: 11, completionTokens: 7 },
          finishReason: "stop",
        });
        const request = server.requests[0]!;
        expect(request.messages).toEqual([
          { role: "system", content: "be brief" },
          { role: "user", content: "hello" },
        ]);
        expect(request.stream).toBe(false);
        expect(backend.sentOptions(request.body)).toEqual({ temperature: 0, maxTokens: 50 });
      },
    );

    test("streams the same text in pieces and ends with usage", undefined, async () => {
      const { server, model } = await start(() => ({
        text: "one two three four five",
        promptTokens: 3,
        completionTokens: 5,
      }));
      const chunks = await collect(model.stream([{ role: "user", content: "count" }]));
      expect(chunks.filter((chunk) => chunk.type === "text-delta").length).toBeGreaterThan(1);
      expect(textOf(chunks, "text-delta")).toBe("one two three four five");
      expect(chunks.at(-1)).toEqual({
        type: "finish",
        usage: { promptTokens: 3, completionTokens: 5 },
        finishReason: "stop",
      });
      expect(server.requests[0]!.stream).toBe(true);
    });

    test("reports a reply cut by the token cap as finish reason length", undefined, async () => {
      const { model } = await start(() => ({ text: "cut", finishReason: "length" }));
      expect((await model.chat([{ role: "user", content: "go" }])).finishReason).toBe("length");
    });

    test("keeps thinking apart from the answer, in calls and streams", "reasoning", async () => {
      const { model } = await start(() => ({ text: "42", reasoning: "six times seven" }));
      const reply = await model.chat([{ role: "user", content: "?" }], { think: true });
      expect(reply.text).toBe("42");
      expect(reply.reasoning).toBe("six times seven");
      const chunks = await collect(model.stream([{ role: "user", content: "?" }], { think: true }));
      expect(textOf(chunks, "text-delta")).toBe("42");
      expect(textOf(chunks, "reasoning-delta")).toBe("six times seven");
    });

    test("turns 429 with Retry-After into a retryable error that carries the wait", undefined, async () => {
      const { model } = await start(() => ({
        fault: "status",
        status: 429,
        message: "slow down",
        headers: { "retry-after": "1" },
      }));
      const error = await rejection(model.chat([{ role: "user", content: "hi" }]));
      expect(error).toMatchObject({ code: "rate-limited", isRetryable: true, retryAfterSeconds: 1 });
      expect(error.message).toContain("slow down");
    });

    test("marks 5xx retryable and 400 not", undefined, async () => {
      let status = 503;
      const { model } = await start(() => ({ fault: "status", status, message: "bad" }));
      expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toMatchObject({
        isRetryable: true,
      });
      status = 400;
      expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toMatchObject({
        code: "bad-request",
        isRetryable: false,
      });
    });

    test("says to check the key on 401", "authentication", async () => {
      const { model } = await start(() => ({ fault: "status", status: 401, message: "invalid api key" }));
      const error = await rejection(model.chat([{ role: "user", content: "hi" }]));
      expect(error).toMatchObject({ code: "authentication-failed", isRetryable: false });
      expect(error.hint).toMatch(/key/i);
    });

    test("treats a dropped connection as retryable", undefined, async () => {
      const { model } = await start(() => ({ fault: "drop" }));
      expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toMatchObject({
        isRetryable: true,
      });
    });

    test(
      "fails a stream cut mid-way with a retryable error after the first pieces",
      "stream-cut",
      async () => {
        const { model } = await start(() => ({
          fault: "cut-stream",
          text: "alpha beta gamma delta",
          afterChars: 11,
        }));
        const seen: string[] = [];
        const error = await rejection(
          (async () => {
            for await (const chunk of model.stream([{ role: "user", content: "hi" }])) {
              if (chunk.type === "text-delta") seen.push(chunk.text);
            }
          })(),
        );
        expect(error).toMatchObject({ code: "stream-interrupted", isRetryable: true });
        expect(seen.join("")).toBe("alpha beta ");
        expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toMatchObject({
          isRetryable: true,
        });
      },
    );

    test("types an error the server reports inside a stream: overflow or retryable", undefined, async () => {
      let message = "model runner crashed";
      const { model } = await start(() => ({ fault: "stream-error", text: "partial answer", message }));
      const drain = async (): Promise<void> => {
        for await (const _chunk of model.stream([{ role: "user", content: "hi" }])) {
          // the error arrives after the text
        }
      };
      expect(await rejection(drain())).toMatchObject({ code: "server-error", isRetryable: true });
      message = "the request exceeds the available context size";
      expect(await rejection(drain())).toBeInstanceOf(ContextOverflowError);
      expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toBeInstanceOf(
        ContextOverflowError,
      );
    });

    test("rejects a malformed reply with a clear error, in calls and streams", "malformed", async () => {
      const { model } = await start(() => ({ fault: "malformed" }));
      expect(await rejection(model.chat([{ role: "user", content: "hi" }]))).toMatchObject({
        code: "malformed-response",
      });
      expect(await rejection(collect(model.stream([{ role: "user", content: "hi" }])))).toMatchObject({
        code: "malformed-response",
      });
    });

    test("says the server is unreachable when nothing listens", undefined, async () => {
      const { server, model } = await start(() => ({ text: "never" }));
      await server.close();
      const error = await rejection(model.chat([{ role: "user", content: "hi" }]));
      expect(error).toMatchObject({ code: "backend-unreachable", isRetryable: true });
      expect(error.hint).toBeTruthy();
    });

    test("cancels a call when its signal aborts, rethrowing the abort reason", undefined, async () => {
      const { server, model } = await start(() => ({ text: "late", delayMs: 5_000 }));
      const controller = new AbortController();
      const pending = model.chat([{ role: "user", content: "hi" }], { signal: controller.signal });
      await waitFor(() => server.requests.length === 1);
      const reason = new Error("stop now");
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      await waitFor(() => server.inFlight === 0);
    });

    test("cancels a stream when the consumer breaks out of the loop", undefined, async () => {
      const words = Array.from({ length: 2_000 }, (_, index) => `word${index}`).join(" ");
      const { server, model } = await start(() => ({ text: words }));
      let received = 0;
      for await (const chunk of model.stream([{ role: "user", content: "hi" }])) {
        if (chunk.type === "text-delta") received++;
        if (received === 3) break;
      }
      expect(received).toBe(3);
      await waitFor(() => server.inFlight === 0);
    });

    test("cancels a stream from its signal", undefined, async () => {
      const { model } = await start(() => ({ text: "slow", delayMs: 5_000 }));
      const controller = new AbortController();
      const iterator = model
        .stream([{ role: "user", content: "hi" }], { signal: controller.signal })
        [Symbol.asyncIterator]();
      const next = iterator.next();
      setTimeout(() => controller.abort(new Error("user cancelled")), 50);
      await expect(next).rejects.toThrow("user cancelled");
    });

    test("cancels a stream mid-reply from its signal, keeping what arrived", undefined, async () => {
      const { server, model } = await start(() => ({
        text: "one two three four five six",
        chunkDelayMs: 100,
      }));
      const controller = new AbortController();
      const seen: string[] = [];
      const consume = async (): Promise<void> => {
        for await (const chunk of model.stream([{ role: "user", content: "hi" }], {
          signal: controller.signal,
        })) {
          if (chunk.type !== "text-delta") continue;
          seen.push(chunk.text);
          if (seen.length === 2) controller.abort(new Error("enough"));
        }
      };
      await expect(consume()).rejects.toThrow("enough");
      expect(seen.join("")).toBe("one two ");
      await waitFor(() => server.inFlight === 0);
    });

    test("reports the context window the server tells", "context-window", async () => {
      const { model } = await start(() => ({ text: "x" }), { contextLength: 12_345 });
      expect((await model.info()).contextWindow).toBe(12_345);
    });

    test(
      "raises a typed context-overflow error for a prompt longer than the window",
      "context-overflow",
      async () => {
        const { model } = await start(() => ({ text: "x" }), { contextLength: 1_000 });
        const error = await rejection(model.chat([{ role: "user", content: "lorem ipsum ".repeat(4_000) }]));
        expect(error).toBeInstanceOf(ContextOverflowError);
        expect(error).toMatchObject({ code: "context-overflow", isRetryable: false, contextWindow: 1_000 });
        expect((error as ContextOverflowError).promptTokens).toBeGreaterThan(1_000);
        expect(error.hint).toMatch(/shorter|smaller/);
      },
    );
  });
}
