import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { CompletionResult } from "../rlm/types.js";
import type { RunTicket } from "./admission.js";
import { DEFAULT_MAX_BODY_BYTES } from "./chat-handler.js";
import { parseChatRequest } from "./chat-request.js";
import { answerPieces, usageOf } from "./completion-response.js";
import { HttpError } from "./http-error.js";
import { readJsonBody } from "./read-json-body.js";
import { runRequest } from "./run-request.js";
import type { RequestLog, RlmServerOptions } from "./server-options.js";

/**
 * Ollama's native chat API (`POST /api/chat`, `GET /api/tags`, `GET /api/version`), so tools built
 * for Ollama (the `ollama` npm client, Open WebUI's Ollama connection) can use an RLM as a model.
 * Same rules as the OpenAI route: last user message is the query, earlier messages or
 * `rlm_context` the context. Ollama streams unless `stream: false`, as NDJSON.
 */

const ollamaChatSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(z.object({ role: z.string(), content: z.string().nullish() }).passthrough()),
    stream: z.boolean().optional(),
  })
  .passthrough();

const nanoseconds = (milliseconds: number): number => Math.round(milliseconds * 1e6);

function finalLine(model: string, result: CompletionResult, includeContent: boolean) {
  const usage = usageOf(result);
  return {
    model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: includeContent ? result.answer : "" },
    done: true,
    done_reason: result.stopReason === "answer" ? "stop" : "length",
    total_duration: nanoseconds(result.elapsedMs),
    load_duration: 0,
    prompt_eval_count: usage.prompt_tokens,
    prompt_eval_duration: 0,
    eval_count: usage.completion_tokens,
    eval_duration: 0,
  };
}

export async function handleOllamaChat(
  request: IncomingMessage,
  response: ServerResponse,
  options: RlmServerOptions,
  ticket: RunTicket,
): Promise<Pick<RequestLog, "id" | "model" | "stream" | "stopReason">> {
  const raw = await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const parsed = ollamaChatSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      "invalid-request",
      `Invalid request: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  const { model, messages, stream: streamField, ...rest } = parsed.data;
  const stream = streamField !== false;
  const body = parseChatRequest({
    ...rest,
    model,
    stream,
    messages: messages.map((message) => ({ role: message.role, content: message.content ?? "" })),
  });
  const line = (value: unknown): void => {
    if (!response.destroyed) response.write(`${JSON.stringify(value)}\n`);
  };
  const { id, result } = await runRequest(body, response, options, ticket, {
    start: () => {
      if (stream)
        response.writeHead(200, { "content-type": "application/x-ndjson", "x-accel-buffering": "no" });
    },
    // NDJSON has no comments: progress and heartbeats are chunks with no text, which clients skip over.
    ...(stream
      ? {
          progress: () =>
            line({
              model,
              created_at: new Date().toISOString(),
              message: { role: "assistant", content: "" },
              done: false,
            }),
        }
      : {}),
  });
  if (result === undefined) return { id, model, stream, stopReason: "aborted" };
  if (!stream) {
    const text = JSON.stringify(finalLine(model, result, true));
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  } else {
    for (const piece of answerPieces(result.answer)) {
      line({
        model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content: piece },
        done: false,
      });
    }
    line(finalLine(model, result, false));
    response.end();
  }
  return { id, model, stream, stopReason: result.stopReason };
}

/** `GET /api/tags`: the served model names, in Ollama's shape. */
export function ollamaTags(options: RlmServerOptions) {
  const modified = new Date().toISOString();
  return {
    models: Object.keys(options.models).map((name) => ({
      name,
      model: name,
      modified_at: modified,
      size: 0,
      digest: "",
      details: {
        format: "rlm",
        family: "rlm",
        families: ["rlm"],
        parameter_size: "",
        quantization_level: "",
      },
    })),
  };
}
