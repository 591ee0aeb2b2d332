import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import type { FakePolicy, FakeReply } from "../../../test/fakes/types.js";
import { RlmError } from "../../errors/index.js";
import { createModelPool } from "./index.js";

/** Starts a fake OpenAI-compatible server that also notes when (server clock) each chat request arrived. */
async function serve(replies: (index: number) => FakeReply) {
  const arrivals: number[] = [];
  const policy: FakePolicy = () => {
    arrivals.push(Date.now());
    return replies(arrivals.length - 1);
  };
  const server = await startFakeOpenAI(policy);
  closeAfterTest(server);
  return { server, arrivals, spec: `openai-compatible:${server.url}/v1#fake` };
}

const ask = [{ role: "user" as const, content: "hello" }];

describe("pool retries", () => {
  it("retries a 429 with Retry-After: 1 no sooner than one second later", async () => {
    const { server, arrivals, spec } = await serve((index) =>
      index === 0 ? { fault: "status", status: 429, headers: { "retry-after": "1" } } : { text: "ok" },
    );
    const pool = createModelPool({ retryBaseDelayMs: 10 });
    const result = await pool.get(spec).chat(ask);
    expect(result.text).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000);
  });

  it("retries 500 and a dropped connection, then answers", async () => {
    const { server, spec } = await serve((index) =>
      index === 0
        ? { fault: "status", status: 500 }
        : index === 1
          ? { fault: "drop" }
          : { text: "third time" },
    );
    const pool = createModelPool({ retryBaseDelayMs: 5 });
    expect((await pool.get(spec).chat(ask)).text).toBe("third time");
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry an error that says retrying cannot help (400)", async () => {
    const { server, spec } = await serve(() => ({ fault: "status", status: 400, message: "bad request" }));
    const pool = createModelPool({ retryBaseDelayMs: 5 });
    const error = await pool
      .get(spec)
      .chat(ask)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RlmError);
    expect((error as RlmError).isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after maxRetries with the last error, saying how many attempts it made", async () => {
    const { server, spec } = await serve(() => ({ fault: "status", status: 503, message: "overloaded" }));
    const pool = createModelPool({ retryBaseDelayMs: 5, maxRetries: 2 });
    const error = (await pool
      .get(spec)
      .chat(ask)
      .catch((thrown: unknown) => thrown)) as RlmError;
    expect(server.requests).toHaveLength(3);
    expect(error.message).toContain("gave up after 3 attempts");
    expect(error.hint).toBeTruthy();
    // The backend's status and the URL stay fields of the error the caller gets.
    expect(error).toMatchObject({
      code: "server-error",
      status: 503,
      url: expect.stringContaining(server.url),
    });
  });

  it("fails at once when Retry-After asks for longer than maxRetryAfterSeconds", async () => {
    const { server, spec } = await serve(() => ({
      fault: "status",
      status: 429,
      headers: { "retry-after": "3600" },
    }));
    const pool = createModelPool({ maxRetryAfterSeconds: 60 });
    const error = (await pool
      .get(spec)
      .chat(ask)
      .catch((thrown: unknown) => thrown)) as RlmError;
    expect(error.retryAfterSeconds).toBe(3600);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a reply cut mid-body, and a stream cut before its first chunk", async () => {
    const { server, spec } = await serve((index) =>
      index % 2 === 0
        ? { fault: "cut-stream", text: "a long answer that breaks", afterChars: 30 }
        : { text: "whole" },
    );
    const pool = createModelPool({ retryBaseDelayMs: 5 });
    expect((await pool.get(spec).chat(ask)).text).toBe("whole");
    const cutEarly = await serve((index) =>
      index === 0 ? { fault: "cut-stream", text: "never sent", afterChars: 0 } : { text: "streamed fine" },
    );
    let text = "";
    for await (const chunk of pool.get(cutEarly.spec).stream(ask))
      if (chunk.type === "text-delta") text += chunk.text;
    expect(text).toBe("streamed fine");
    expect(server.requests).toHaveLength(2);
    expect(cutEarly.server.requests).toHaveLength(2);
  });

  it("fails a stream cut after part of the reply was sent with a clear, typed error", async () => {
    const { server, spec } = await serve(() => ({
      fault: "cut-stream",
      text: "one two three four five",
      afterChars: 8,
    }));
    const pool = createModelPool({ retryBaseDelayMs: 5 });
    let text = "";
    const error = (await (async () => {
      for await (const chunk of pool.get(spec).stream(ask))
        if (chunk.type === "text-delta") text += chunk.text;
    })().catch((thrown: unknown) => thrown)) as RlmError;
    expect(text).toBe("one two ");
    expect(error.code).toBe("stream-interrupted");
    expect(error.message).toContain("broke after part of the reply was sent");
    expect(error.hint).toContain("repeat the whole call");
    expect(server.requests).toHaveLength(1);
  });
});
