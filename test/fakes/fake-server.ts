import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeProtocol } from "./fake-protocol.js";
import { sendJson, writeReply } from "./fake-replies.js";
import type { FakePolicy, FakeRequest, FakeServer, FakeServerOptions } from "./types.js";

export type { CompleteAnswer, FakeProtocol } from "./fake-protocol.js";
export { estimateTokens, splitIntoPieces } from "./fake-replies.js";

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes. */
const wallClock = (): number => performance.timeOrigin + performance.now();

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString("utf8");
  if (text.trim() === "") return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** Starts a fake server for one protocol on 127.0.0.1, on a free port. */
export async function startFakeServer(
  protocol: FakeProtocol,
  policy: FakePolicy,
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((incoming, response) => {
    const arrivedAt = wallClock();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    response.on("close", done);
    // A policy that throws answers 500 with its message, so a test sees its own mistake.
    void handle(incoming, response, arrivedAt).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return void response.destroy();
      sendJson(response, 500, protocol.errorBody(500, `fake server error: ${String(error)}`));
    });
  });

  async function handle(
    incoming: IncomingMessage,
    response: ServerResponse,
    arrivedAt: number,
  ): Promise<void> {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const method = incoming.method ?? "GET";
    let body: Record<string, unknown>;
    try {
      body = await readBody(incoming);
    } catch {
      return sendJson(response, 400, protocol.errorBody(400, "request body is not JSON"));
    }
    if (method === "POST" && protocol.chatPaths.includes(path)) {
      const request: FakeRequest = {
        ...protocol.parseChat(body),
        path,
        body,
        headers: incoming.headers,
        protocol: protocol.name,
      };
      if (options.recordRequests !== false) requests.push(request);
      const early = protocol.precheck?.(request);
      if (early) return sendJson(response, early.status, early.body);
      await writeReply(protocol, request, await policy(request), response);
      options.onExchange?.(request, { arrivedAt, finishedAt: wallClock() });
      return;
    }
    const routed = protocol.route?.(method, path, body);
    if (routed) return sendJson(response, routed.status, routed.body);
    sendJson(response, 404, protocol.errorBody(404, `no route for ${method} ${path}`));
  }

  let connections = 0;
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
