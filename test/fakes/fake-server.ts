import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeAnswer, FakeFault, FakePolicy, FakeReply, FakeRequest, FakeServer } from "./types.js";

/** An answer with its usage and finish reason filled in. */
export type CompleteAnswer = FakeAnswer &
  Required<Pick<FakeAnswer, "promptTokens" | "completionTokens" | "finishReason">>;

/** How one wire protocol reads a chat request and writes answers and errors. */
export interface FakeProtocol {
  name: FakeRequest["protocol"];
  /** Paths answered by the policy (e.g. `/api/chat`). */
  chatPaths: string[];
  /** Turns the parsed body into a FakeRequest (without headers/path, added by the core). */
  parseChat(body: Record<string, unknown>): Pick<FakeRequest, "model" | "messages" | "stream">;
  /** A reply the protocol gives before the policy is asked (e.g. Ollama's 404 for a model not pulled). */
  precheck?(request: FakeRequest): { status: number; body: unknown } | undefined;
  errorBody(status: number, message: string): unknown;
  answerBody(request: FakeRequest, answer: CompleteAnswer): unknown;
  streamContentType: string;
  /** The whole stream as wire chunks: reasoning and text pieces, then the closing chunks with usage. */
  streamChunks(request: FakeRequest, answer: CompleteAnswer): string[];
  /** The first wire chunk of a text-only stream, used before a cut. */
  textChunk(request: FakeRequest, text: string): string;
  malformedStreamChunk: string;
  /** The protocol's error inside a stream that already answered 200. */
  streamErrorChunk(message: string, errorType: string | undefined): string;
  /** Other endpoints (`/api/show`, `/v1/models`...); undefined means 404. */
  route?(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } | undefined;
}

const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Rough token count (4 characters a token), as the fake's default usage. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Splits text into word-sized stream pieces, each keeping its trailing whitespace. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString("utf8");
  if (text.trim() === "") return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function completeAnswer(request: FakeRequest, answer: FakeAnswer): CompleteAnswer {
  const prompt = request.messages.map((message) => message.content).join("\n");
  return {
    ...answer,
    promptTokens: answer.promptTokens ?? estimateTokens(prompt),
    completionTokens: answer.completionTokens ?? estimateTokens((answer.reasoning ?? "") + answer.text),
    finishReason: answer.finishReason ?? "stop",
  };
}

async function writeFault(
  protocol: FakeProtocol,
  request: FakeRequest,
  fault: FakeFault,
  response: ServerResponse,
) {
  if (fault.fault === "drop") {
    response.socket?.destroy();
    return;
  }
  if (fault.fault === "status") {
    if (fault.delayMs) await sleep(fault.delayMs);
    sendJson(
      response,
      fault.status,
      protocol.errorBody(fault.status, fault.message ?? "fake failure"),
      fault.headers,
    );
    return;
  }
  if (fault.fault === "stream-error") {
    if (!request.stream) return sendJson(response, 500, protocol.errorBody(500, fault.message));
    response.writeHead(200, { "content-type": protocol.streamContentType });
    for (const piece of splitIntoPieces(fault.text ?? "")) response.write(protocol.textChunk(request, piece));
    response.end(protocol.streamErrorChunk(fault.message, fault.errorType));
    return;
  }
  if (fault.fault === "malformed") {
    if (request.stream) {
      response.writeHead(200, { "content-type": protocol.streamContentType });
      response.write(protocol.textChunk(request, "partial "));
      response.end(protocol.malformedStreamChunk);
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"model": "broken", "message": {');
    }
    return;
  }
  const cut = fault.text.slice(0, fault.afterChars);
  if (request.stream) {
    response.writeHead(200, { "content-type": protocol.streamContentType });
    for (const piece of splitIntoPieces(cut)) response.write(protocol.textChunk(request, piece));
  } else {
    const full = JSON.stringify(protocol.answerBody(request, completeAnswer(request, { text: fault.text })));
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(full),
    });
    response.write(full.slice(0, fault.afterChars));
  }
  // Let the written bytes reach the client before the connection dies mid-reply.
  await sleep(20);
  response.socket?.destroy();
}

async function writeReply(
  protocol: FakeProtocol,
  request: FakeRequest,
  reply: FakeReply,
  response: ServerResponse,
) {
  if ("fault" in reply) return writeFault(protocol, request, reply, response);
  if (reply.delayMs) await sleep(reply.delayMs);
  const answer = completeAnswer(request, reply);
  if (!request.stream) return sendJson(response, 200, protocol.answerBody(request, answer));
  response.writeHead(200, { "content-type": protocol.streamContentType, "cache-control": "no-cache" });
  for (const chunk of protocol.streamChunks(request, answer)) {
    if (response.destroyed) return;
    response.write(chunk);
  }
  response.end();
}

/** Starts a fake server for one protocol on 127.0.0.1, on a free port. */
export async function startFakeServer(protocol: FakeProtocol, policy: FakePolicy): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((incoming, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    response.on("close", done);
    void handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, protocol.errorBody(500, `fake server error: ${String(error)}`));
      else response.destroy();
    });
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
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
      requests.push(request);
      const early = protocol.precheck?.(request);
      if (early) return sendJson(response, early.status, early.body);
      return writeReply(protocol, request, await policy(request), response);
    }
    const routed = protocol.route?.(method, path, body);
    if (routed) return sendJson(response, routed.status, routed.body);
    sendJson(response, 404, protocol.errorBody(404, `no route for ${method} ${path}`));
  }

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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
