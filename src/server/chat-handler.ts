import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { RlmError } from "../errors/index.js";
import type { Limits } from "../rlm/types.js";
import type { RlmEvent } from "../trace/types.js";
import { type ChatRequest, parseChatRequest } from "./chat-request.js";
import { answerPieces, ChunkWriter, completionBody, completionId } from "./completion-response.js";
import { HttpError } from "./http-error.js";
import { readJsonBody } from "./read-json-body.js";
import { requestContext } from "./request-context.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * `POST /v1/chat/completions`: one RLM completion per request, plain JSON or an SSE stream. The
 * completion is aborted when the client goes away. Errors are thrown to the server's one error
 * writer; a run that ended in an error becomes an RlmError too, so clients see a failure rather
 * than an empty answer.
 */

const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Per-request limits may tighten the server's limits, never loosen them. */
function mergeLimits(server: Limits | undefined, requested: ChatRequest["rlm_limits"]): Limits {
  const merged: Limits = { ...server };
  for (const [name, value] of Object.entries(requested ?? {})) {
    const key = name as keyof Limits;
    const current = merged[key];
    if (value !== undefined) merged[key] = current === undefined ? value : Math.min(current, value);
  }
  return merged;
}

function progressComment(event: RlmEvent): string | undefined {
  if (event.type === "iteration-start") return `depth ${event.depth} iteration ${event.iteration}`;
  if (event.type === "code-end") return `depth ${event.depth} code ran in ${Math.round(event.elapsedMs)} ms`;
  if (event.type === "subcall-end") return `sub-call ${event.id} done (${event.model})`;
  return undefined;
}

export async function handleChat(
  request: IncomingMessage,
  response: ServerResponse,
  options: RlmServerOptions,
): Promise<{ id: string; model: string; stream: boolean; stopReason?: string }> {
  const body = parseChatRequest(await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  const rootModel = options.models[body.model];
  if (rootModel === undefined) {
    throw new HttpError(
      404,
      "model_not_found",
      `The model \`${body.model}\` does not exist on this server.`,
      {
        param: "model",
        hint: `Use one of: ${Object.keys(options.models).join(", ")} (GET /v1/models lists them).`,
      },
    );
  }
  const { context, query, instructions } = await requestContext(body);
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const stream = body.stream === true;
  const aborter = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished)
      aborter.abort(new RlmError("aborted", "The client closed the connection."));
  });

  const chunks = new ChunkWriter(id, body.model, created);
  let heartbeat: NodeJS.Timeout | undefined;
  if (stream) {
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      // nginx and similar proxies buffer responses unless told not to; a stream must not be held back.
      "x-accel-buffering": "no",
    });
    response.write(chunks.delta({ role: "assistant", content: "" }));
    // A long sub-call can leave the stream silent for minutes; proxies close idle connections.
    heartbeat = setInterval(() => {
      if (!response.destroyed) response.write(ChunkWriter.comment("working"));
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }
  const joinedInstructions = [options.rlm.instructions, instructions].filter(Boolean).join("\n\n");
  const engine = options.createEngine({
    ...options.rlm,
    model: rootModel,
    limits: mergeLimits(options.rlm.limits, body.rlm_limits),
    ...(joinedInstructions ? { instructions: joinedInstructions } : {}),
    ...(options.traceDirectory ? { trace: join(options.traceDirectory, `${id}.jsonl`) } : {}),
    onEvent: (event) => {
      const comment = stream ? progressComment(event) : undefined;
      if (comment && !response.destroyed) response.write(ChunkWriter.comment(comment));
    },
  });
  const result = await engine
    .completion(context, query, { signal: aborter.signal })
    .finally(() => clearInterval(heartbeat));
  if (aborter.signal.aborted) return { id, model: body.model, stream, stopReason: "aborted" };
  if (result.stopReason === "error") {
    throw new RlmError(
      result.errorCode ?? "run-failed",
      `The RLM run failed: ${result.error ?? "unknown error"}`,
      {
        hint: "Check the backend with `rlm doctor`; the trajectory (if tracing) shows the failing step.",
      },
    );
  }
  if (!stream) {
    const text = JSON.stringify(completionBody(id, body.model, created, result));
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  } else {
    for (const piece of answerPieces(result.answer)) response.write(chunks.delta({ content: piece }));
    response.write(chunks.delta({}, result.stopReason === "answer" ? "stop" : "length"));
    if (body.stream_options?.include_usage) response.write(chunks.usage(result));
    response.end(ChunkWriter.done());
  }
  return { id, model: body.model, stream, stopReason: result.stopReason };
}
