import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOllama, startFakeOpenAI } from "../../../test/fakes/index.js";
import type { FakePolicy, FakeServer } from "../../../test/fakes/types.js";
import { createModelPool } from "./index.js";

const echo: FakePolicy = (request) => ({ text: `echo ${request.messages.at(-1)?.content}`, delayMs: 10 });

async function openai(policy: FakePolicy = echo): Promise<FakeServer> {
  const server = await startFakeOpenAI(policy);
  closeAfterTest(server);
  return server;
}

const ask = (content: string) => [{ role: "user" as const, content }];

describe("pool fleets: one model on several endpoints", () => {
  it("answers every call when one of two endpoints is killed mid-run", async () => {
    // The second endpoint is slower, so when it is killed it surely has calls in flight.
    const first = await openai();
    const second = await openai((request) => ({
      text: `echo ${request.messages.at(-1)?.content}`,
      delayMs: 200,
    }));
    const spec = `openai-compatible:${first.url}/v1,${second.url}/v1#fleet`;
    const pool = createModelPool({ concurrency: 4, retryBaseDelayMs: 20 });
    const model = pool.get(spec);
    const calls = Array.from({ length: 200 }, (_, index) => model.chat(ask(`q${index}`)));
    while (second.requests.length < 15) await sleep(5);
    const inFlightAtKill = second.inFlight;
    await second.close();
    const results = await Promise.all(calls);
    expect(results.map((result) => result.text)).toEqual(calls.map((_, index) => `echo q${index}`));
    expect(inFlightAtKill).toBeGreaterThan(0);
    const answeredBySecond = second.requests.length;
    expect(answeredBySecond).toBeGreaterThanOrEqual(15);
    // Everything the dead endpoint did not finish went to the live one; nothing was lost.
    expect(first.requests.length + answeredBySecond).toBeGreaterThanOrEqual(200 + inFlightAtKill);
    expect(pool.usage()[spec]?.calls).toBe(200);
  });

  it("spreads an OLLAMA_HOST fleet by least in-flight: a busy server gets no more than its free slots", async () => {
    // The slow server holds its calls until the fast one has answered all the others (or 5 s pass),
    // so a router that split calls up front (round robin) would leave half of them stuck there.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
      setTimeout(resolve, 5_000);
    });
    const fast = await startFakeOllama((request) => {
      if (fast.requests.length >= 56) open();
      return { text: `fast ${request.messages.at(-1)?.content}` };
    });
    const slow = await startFakeOllama(async (request) => {
      await gate;
      return { text: `slow ${request.messages.at(-1)?.content}` };
    });
    closeAfterTest(fast);
    closeAfterTest(slow);
    const pool = createModelPool({
      concurrency: 4,
      modelConfig: { env: { OLLAMA_HOST: `${fast.url},${slow.url}` } },
    });
    const model = pool.get("ollama:qwen3:4b");
    const results = await Promise.all(Array.from({ length: 60 }, (_, index) => model.chat(ask(`q${index}`))));
    expect(results.every((result, index) => result.text.endsWith(` q${index}`))).toBe(true);
    expect(slow.requests).toHaveLength(4);
    expect(fast.requests).toHaveLength(56);
    expect(fast.maxInFlight).toBeLessThanOrEqual(4);
  });

  it("takes a failing endpoint out and puts it back once a probe answers", async () => {
    let broken = true;
    const flaky = await openai((request) => (broken ? { fault: "status", status: 503 } : echo(request)));
    const steady = await openai();
    const spec = `openai-compatible:${flaky.url}/v1,${steady.url}/v1#fleet`;
    const pool = createModelPool({ retryBaseDelayMs: 1_000, maxRetryDelayMs: 1_000 });
    const model = pool.get(spec);
    for (let index = 0; index < 10; index++)
      expect((await model.chat(ask(`a${index}`))).text).toBe(`echo a${index}`);
    // Out after its first failure: the sequential calls all went to the steady endpoint.
    expect(flaky.requests).toHaveLength(1);
    broken = false;
    await sleep(1_100);
    const later = await Promise.all(Array.from({ length: 20 }, (_, index) => model.chat(ask(`b${index}`))));
    expect(later.map((result) => result.text)).toEqual(later.map((_, index) => `echo b${index}`));
    expect(flaky.requests.length).toBeGreaterThan(3);
  });
});
