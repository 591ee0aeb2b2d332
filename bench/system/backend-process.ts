/**
 * The system benchmark's backend in its own process (`fork`ed by timed-backend.ts), so that the
 * server's work does not share an event loop or a CPU slice with the engine being measured. It
 * serves a script: the root's reply by turn, the sub's fixed reply, each after its latency, and
 * records, on the wall clock both processes share (timeOrigin + now), when each request's headers
 * arrived and when its response was written in full. Between the two is the server's time (its
 * own parsing and writing included, as a real server's would be); outside them it waits on the client.
 */

import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeRequest } from "../../test/fakes/types.js";

export interface BackendScript {
  /** The root's reply at turn i (the last one repeats). */
  rootReplies: string[];
  subReply: string;
  rootLatencyMs: number;
  subLatencyMs: number;
  contextLength: number;
}

export interface ServerTiming {
  model: string;
  /** When the request's headers arrived. */
  start: number;
  /** When the reply's last byte was handed to the socket. */
  end: number;
}

export type ToBackend =
  | { type: "start"; script: BackendScript }
  | { type: "timings"; clear: boolean }
  | { type: "stop" };
export type FromBackend =
  | { type: "started"; url: string }
  | { type: "timings"; timings: ServerTiming[]; maxInFlight: number };

export const clock = (): number => performance.timeOrigin + performance.now();

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Turn of the current query: assistant messages since the last "Query:" message. */
export function turnOf(request: FakeRequest): number {
  let start = 0;
  request.messages.forEach((message, index) => {
    if (message.role === "user" && message.content.startsWith("Query: ")) start = index;
  });
  return request.messages.slice(start).filter((message) => message.role === "assistant").length;
}

async function serve(script: BackendScript): Promise<void> {
  let timings: ServerTiming[] = [];
  const server = await startFakeOpenAI(
    async (request) => {
      const root = request.model === "root";
      const latency = root ? script.rootLatencyMs : script.subLatencyMs;
      if (latency > 0) await sleep(latency);
      const replies = script.rootReplies;
      const text = root ? replies[Math.min(turnOf(request), replies.length - 1)]! : script.subReply;
      return { text };
    },
    {
      contextLength: script.contextLength,
      onExchange: (request, { arrivedAt, finishedAt }) =>
        timings.push({ model: request.model, start: arrivedAt, end: finishedAt }),
    },
  );
  process.on("message", (message: ToBackend) => {
    if (message.type === "timings") {
      process.send!({ type: "timings", timings, maxInFlight: server.maxInFlight } satisfies FromBackend);
      if (message.clear) timings = [];
      server.requests.splice(0);
    } else if (message.type === "stop") {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send!({ type: "started", url: server.url } satisfies FromBackend);
}

process.once("message", (message: ToBackend) => {
  if (message.type === "start") void serve(message.script);
});
