/**
 * The simulated backend of the system benchmark: a fake OpenAI-compatible server on 127.0.0.1 whose
 * policy records, for every request, when it arrived and when its reply was ready (after the
 * simulated latency), so that fan-out and overhead are measured at the server, not by the client.
 */

import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakePolicy, FakeRequest, FakeServer } from "../../test/fakes/types.js";

export interface Timing {
  model: string;
  /** performance.now() at arrival (same process clock as the runner). */
  start: number;
  /** performance.now() when the reply was handed to the server to write. */
  end: number;
}

export interface TimedBackend {
  server: FakeServer;
  timings: Timing[];
  spec(model: string): string;
  close(): Promise<void>;
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** `reply` gives the text; `latencyMs` is waited inside the policy so that `end` is after it. */
export async function startTimedBackend(
  reply: (request: FakeRequest) => string,
  latencyMs: (request: FakeRequest) => number,
  contextLength = 32_768,
): Promise<TimedBackend> {
  const timings: Timing[] = [];
  const policy: FakePolicy = async (request) => {
    const start = performance.now();
    const latency = latencyMs(request);
    if (latency > 0) await sleep(latency);
    const text = reply(request);
    timings.push({ model: request.model, start, end: performance.now() });
    return { text };
  };
  const server = await startFakeOpenAI(policy, { contextLength });
  return {
    server,
    timings,
    spec: (model) => `openai-compatible:${server.url}/v1#${model}`,
    close: () => server.close(),
  };
}

/** Turn of the current query a root request is for: assistant messages since the last "Query:". */
export function turnOf(request: FakeRequest): number {
  const messages = request.messages;
  let start = 0;
  messages.forEach((message, index) => {
    if (message.role === "user" && message.content.startsWith("Query: ")) start = index;
  });
  return messages.slice(start).filter((message) => message.role === "assistant").length;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
