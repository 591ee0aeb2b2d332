import type { ServerResponse } from "node:http";
import type { CompleteAnswer, FakeProtocol } from "./fake-protocol.js";
import type { FakeAnswer, FakeFault, FakeReply, FakeRequest } from "./types.js";

/** Writing a policy's reply (an answer or a fault) in a protocol's wire format. */

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

export function sendJson(
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

export async function writeReply(
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
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
  }
  response.end();
}
