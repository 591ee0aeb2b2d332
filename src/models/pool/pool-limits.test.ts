import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import type { FakePolicy } from "../../../test/fakes/types.js";
import { RlmError } from "../../errors/index.js";
import { createModelPool } from "./index.js";

async function serve(policy: FakePolicy) {
  const server = await startFakeOpenAI(policy);
  closeAfterTest(server);
  return { server, spec: `openai-compatible:${server.url}/v1#fake` };
}

const ask = (content: string) => [{ role: "user" as const, content }];

describe("pool concurrency, timeout and cancellation", () => {
  it("never has more than 8 of 200 concurrent calls in flight at the server, and answers all", async () => {
    const { server, spec } = await serve((request) => ({
      text: `echo ${request.messages[0]?.content}`,
      delayMs: 5,
    }));
    const pool = createModelPool({ concurrency: 8 });
    const model = pool.get(spec);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => model.chat(ask(`q${index}`))),
    );
    expect(results.map((result) => result.text)).toEqual(
      Array.from({ length: 200 }, (_, index) => `echo q${index}`),
    );
    expect(server.requests).toHaveLength(200);
    expect(server.maxInFlight).toBeLessThanOrEqual(8);
    // The cap is used, not just respected: calls really ran in parallel.
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it("shares one limit between models on the same endpoint", async () => {
    const { server } = await serve(() => ({ text: "ok", delayMs: 5 }));
    const pool = createModelPool({ concurrency: 3 });
    const first = pool.get(`openai-compatible:${server.url}/v1#one`);
    const second = pool.get(`openai-compatible:${server.url}/v1#two`);
    await Promise.all(Array.from({ length: 30 }, (_, index) => (index % 2 ? first : second).chat(ask("x"))));
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
  });

  it("ends a call to a slow server with a typed timeout error and does not retry it", async () => {
    const { server, spec } = await serve(() => ({ text: "too late", delayMs: 3_000 }));
    const pool = createModelPool({ timeoutMs: 150 });
    const error = (await pool
      .get(spec)
      .chat(ask("slow"))
      .catch((thrown: unknown) => thrown)) as RlmError;
    expect(error).toBeInstanceOf(RlmError);
    expect(error.code).toBe("timeout");
    expect(error.hint).toContain("timeoutMs");
    expect(server.requests).toHaveLength(1);
  });

  it("applies a per-call timeoutMs over the pool's default, to streams too", async () => {
    const { spec } = await serve(() => ({ text: "too late", delayMs: 3_000 }));
    const pool = createModelPool({ timeoutMs: 60_000 });
    const error = (await (async () => {
      for await (const _chunk of pool.get(spec).stream(ask("slow"), { timeoutMs: 100 })) {
        // nothing arrives in time
      }
    })().catch((thrown: unknown) => thrown)) as RlmError;
    expect(error.code).toBe("timeout");
  });

  it("cancels a call waiting in the queue without ever sending it", async () => {
    const { server, spec } = await serve(() => ({ text: "ok", delayMs: 400 }));
    const pool = createModelPool({ concurrency: 1 });
    const model = pool.get(spec);
    const first = model.chat(ask("first"));
    const controller = new AbortController();
    const queued = model.chat(ask("second"), { signal: controller.signal });
    const reason = new RlmError("aborted", "caller gave up");
    setTimeout(() => controller.abort(reason), 50);
    await expect(queued).rejects.toBe(reason);
    expect((await first).text).toBe("ok");
    expect(server.requests.map((request) => request.messages[0]?.content)).toEqual(["first"]);
  });

  it("cancels a backoff sleep: an abort during a Retry-After wait ends the call at once", async () => {
    const { server, spec } = await serve(() => ({
      fault: "status",
      status: 429,
      headers: { "retry-after": "30" },
    }));
    const pool = createModelPool();
    const controller = new AbortController();
    const reason = new RlmError("aborted", "stop waiting");
    const call = pool.get(spec).chat(ask("x"), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(call).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it("aborts a running request and rejects with the caller's reason", async () => {
    const { spec } = await serve(() => ({ text: "late", delayMs: 2_000 }));
    const pool = createModelPool();
    const reason = new RlmError("aborted", "user pressed stop");
    const controller = new AbortController();
    const call = pool.get(spec).chat(ask("x"), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(call).rejects.toBe(reason);
  });

  it("cancels what is running when the pool closes, and refuses new models afterwards", async () => {
    const { spec } = await serve(() => ({ text: "late", delayMs: 2_000 }));
    const pool = createModelPool();
    const call = pool.get(spec).chat(ask("x"));
    setTimeout(() => void pool.close(), 50);
    await expect(call).rejects.toMatchObject({ code: "pool-closed" });
    expect(() => pool.get(spec)).toThrow(/closed/);
  });

  it("rejects nonsense options with a hint", () => {
    expect(() => createModelPool({ concurrency: 0 })).toThrow(RlmError);
    expect(() => createModelPool({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});
