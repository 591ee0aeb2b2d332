import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunTicket } from "./admission.js";
import { parseChatRequest } from "./chat-request.js";
import { answerPieces, ChunkWriter, completionBody } from "./completion-response.js";
import { readJsonBody } from "./read-json-body.js";
import { runRequest } from "./run-request.js";
import type { RequestLog, RlmServerOptions } from "./server-options.js";

/**
 * `POST /v1/chat/completions`: OpenAI's wire format around one RLM run, as plain JSON or an SSE
 * stream (role chunk first, progress as SSE comments, the answer in content chunks, the finish
 * chunk, an optional usage chunk, `[DONE]`). Failures are thrown to the server's error writer.
 */

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

export async function handleChat(
  request: IncomingMessage,
  response: ServerResponse,
  options: RlmServerOptions,
  ticket: RunTicket,
): Promise<Pick<RequestLog, "id" | "model" | "stream" | "stopReason">> {
  const body = parseChatRequest(await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  const stream = body.stream === true;
  const write = (text: string): void => {
    if (!response.destroyed) response.write(text);
  };
  const { id, created, result, limits } = await runRequest(body, response, options, ticket, {
    start: (id, created) => {
      if (!stream) return;
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        // nginx and similar proxies buffer responses unless told not to; a stream must not be held back.
        "x-accel-buffering": "no",
      });
      write(new ChunkWriter(id, body.model, created).delta({ role: "assistant", content: "" }));
    },
    ...(stream ? { progress: (text: string) => write(ChunkWriter.comment(text)) } : {}),
  });
  if (result === undefined) return { id, model: body.model, stream, stopReason: "aborted" };
  if (!stream) {
    const text = JSON.stringify(completionBody(id, body.model, created, result, limits));
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  } else {
    const writer = new ChunkWriter(id, body.model, created);
    for (const piece of answerPieces(result.answer)) write(writer.delta({ content: piece }));
    write(writer.delta({}, result.stopReason === "answer" ? "stop" : "length"));
    if (body.stream_options?.include_usage) write(writer.usage(result));
    response.end(ChunkWriter.done());
  }
  return { id, model: body.model, stream, stopReason: result.stopReason };
}
