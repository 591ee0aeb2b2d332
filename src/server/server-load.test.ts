import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "../cli/__fixtures__/code-writing-policy.js";
import { RLM } from "../rlm/index.js";
import { createRlmServer, type RlmServer } from "./create-server.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * The server under load, with real RLMs (process sandbox) over a fake OpenAI backend and the
 * official client: one backend concurrency limit for all requests, the admission limit and its
 * queue (then 503), and `rlm_limits` that can only tighten.
 */

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function start(
  backendOptions: Parameters<typeof codeWritingPolicy>[0],
  serverOptions: Partial<RlmServerOptions> = {},
  rlmOptions: RlmServerOptions["rlm"] = {},
) {
  const exchanges: { arrivedAt: number; finishedAt: number; text: string }[] = [];
  const backend: FakeServer = await startFakeOpenAI(codeWritingPolicy(backendOptions), {
    onExchange: (request, timing) =>
      exchanges.push({ ...timing, text: request.messages.map((message) => message.content).join("\n") }),
  });
  open.push(backend);
  const server: RlmServer = createRlmServer({
    models: { rlm: `openai-compatible:${backend.url}/v1#root` },
    rlm: {
      subModel: `openai-compatible:${backend.url}/v1#sub`,
      sandbox: { runtime: "process" },
      ...rlmOptions,
    },
    createEngine: (options) => new RLM(options),
    ...serverOptions,
  });
  open.push(server);
  const baseURL = `${await server.listen(0)}/v1`;
  const client = new OpenAI({ baseURL, apiKey: "none", maxRetries: 0 });
  return { backend, exchanges, client, baseURL };
}

function question(code: number) {
  return {
    model: "rlm",
    messages: [
      { role: "user" as const, content: `the code is ${code}` },
      { role: "user" as const, content: "Which codes?" },
    ],
  };
}

/** The most backend calls that were being answered at the same moment. */
function maxOverlap(exchanges: { arrivedAt: number; finishedAt: number }[]): number {
  const edges = exchanges.flatMap((exchange) => [
    { at: exchange.arrivedAt, change: 1 },
    { at: exchange.finishedAt, change: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.change - b.change);
  let current = 0;
  let most = 0;
  for (const edge of edges) {
    current += edge.change;
    most = Math.max(most, current);
  }
  return most;
}

describe("--concurrency is shared by every request", () => {
  it("4 concurrent chats at concurrency 2 never have more than 2 backend calls in flight, each with its own usage", async () => {
    // Set through the RLM options, as `rlm serve --concurrency 2` does.
    const { client, exchanges } = await start({ rootDelayMs: 150 }, {}, { concurrency: 2 });
    const replies = await Promise.all(
      [1, 2, 3, 4].map((code) => client.chat.completions.create(question(code))),
    );
    expect(replies.map((reply) => reply.choices[0]?.message.content)).toEqual(
      [1, 2, 3, 4].map((code) => expect.stringContaining(`codes=${code} `)),
    );
    // 4 runs x (2 root turns + 1 sub-call), all through the one limit of 2.
    expect(exchanges).toHaveLength(12);
    expect(maxOverlap(exchanges)).toBe(2);
    // Usage is each run's own, not the shared pool's running total.
    const perRun = replies.map(
      (reply) => (reply as unknown as { rlm: { usage: Record<string, { calls: number }> } }).rlm.usage,
    );
    for (const usage of perRun)
      expect(Object.values(usage).reduce((sum, model) => sum + model.calls, 0)).toBe(3);
  });
});

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

function rlmField(reply: OpenAI.ChatCompletion) {
  return (
    reply as unknown as { rlm: { iterations: number; stop_reason: string; limits: Record<string, number> } }
  ).rlm;
}

describe("--max-concurrent-runs and --max-queued-runs", () => {
  it("runs one at a time, queues one, refuses the next with 503 and Retry-After", async () => {
    const { client, exchanges, baseURL } = await start(
      { rootDelayMs: 200 },
      { maxConcurrentRuns: 1, maxQueuedRuns: 1 },
    );
    // A stream's headers come as soon as the request has its place (running or queued).
    const running = await client.chat.completions.create({ ...question(1), stream: true });
    const queued = await client.chat.completions.create({ ...question(2), stream: true });
    const refused = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(question(3)),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toMatchObject({
      error: { type: "server_error", code: "server_busy", message: expect.stringContaining("busy") },
    });
    const [first, second] = await Promise.all([collect(running), collect(queued)]);
    expect(first).toContain("codes=1 ");
    expect(second).toContain("codes=2 ");
    // The queued run started only once the running one had made its last call.
    const ofRun = (code: number) => exchanges.filter((exchange) => exchange.text.includes(`code is ${code}`));
    const firstEnd = Math.max(...ofRun(1).map((exchange) => exchange.finishedAt));
    const secondStart = Math.min(...ofRun(2).map((exchange) => exchange.arrivedAt));
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd);
    // Places are given back: the server takes requests again.
    const after = await client.chat.completions.create(question(4));
    expect(after.choices[0]?.message.content).toContain("codes=4 ");
  });

  it("a client that leaves the queue gives its place back", async () => {
    const { client, baseURL } = await start({ rootDelayMs: 300 }, { maxConcurrentRuns: 1, maxQueuedRuns: 1 });
    const running = await client.chat.completions.create({ ...question(1), stream: true });
    const leaving = new AbortController();
    await client.chat.completions.create({ ...question(2), stream: true }, { signal: leaving.signal });
    leaving.abort();
    let status = 503;
    const deadline = Date.now() + 5_000;
    let next: Response | undefined;
    while (status === 503 && Date.now() < deadline) {
      next = await fetch(`${baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...question(3), stream: true }),
      });
      status = next.status;
      if (status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
    expect(await collect(running)).toContain("codes=1 ");
    expect(await next?.text()).toContain("codes=3");
  });
});

describe("rlm_limits only tighten", () => {
  it("clamps a request's limits to the server's effective ones, defaults included, and reports them", async () => {
    const { client } = await start({ extraTurns: 4 }, {}, { limits: { maxIterations: 2 } });
    const asked = (limits: Record<string, number>) =>
      client.chat.completions.create({
        ...question(5),
        rlm_limits: limits,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const raised = rlmField(await asked({ maxIterations: 1_000, maxSubCalls: 3 }));
    expect(raised.limits).toMatchObject({ maxIterations: 2, maxSubCalls: 3 });
    expect(raised.iterations).toBeLessThanOrEqual(2);
    expect(raised.stop_reason).not.toBe("answer");
    expect(rlmField(await asked({ maxIterations: 1 })).limits).toMatchObject({ maxIterations: 1 });
  });

  it("clamps to the default of 30 iterations when the server sets none", async () => {
    // The model would need 42 turns; the request asks for 1,000; the RLM's default is 30.
    const { client, exchanges } = await start({ extraTurns: 40 });
    const reply = await client.chat.completions.create({
      ...question(6),
      rlm_limits: { maxIterations: 1_000 },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(rlmField(reply).limits).toMatchObject({ maxIterations: 30 });
    expect(rlmField(reply).iterations).toBeLessThanOrEqual(30);
    expect(reply.choices[0]?.finish_reason).toBe("length");
    expect(exchanges.length).toBeLessThanOrEqual(32);
  });
});
