import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorize } from "./authorize.js";
import { handleChat } from "./chat-handler.js";
import { errorBody, HttpError, writeError } from "./http-error.js";
import { handleOllamaChat, ollamaTags } from "./ollama-handler.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * The HTTP server: routing, the bearer key, and the single catch that turns every failure into
 * an error response (`http-error.ts`). Plain `node:http`: a handful of routes do not need a
 * framework. Each request runs its own RLM, so requests are concurrent by construction.
 */

export interface RlmServer {
  server: Server;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:8080`). Port 0 picks a free one. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, aborts running completions (their connections close) and waits. */
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

function modelList(options: RlmServerOptions) {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: "list",
    data: Object.entries(options.models).map(([id, model]) => ({
      id,
      object: "model",
      created,
      owned_by: "rlm",
      root_model: typeof model === "string" ? model : model.spec,
    })),
  };
}

export function createRlmServer(options: RlmServerOptions): RlmServer {
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const method = request.method ?? "GET";
    if (path === "/health") return sendJson(response, 200, { status: "ok" });
    authorize(request, options.apiKey);
    if (path === "/v1/models" || path === "/models") {
      if (method !== "GET") throw methodNotAllowed(method, path);
      return sendJson(response, 200, modelList(options));
    }
    const modelPath = /^\/(?:v1\/)?models\/(.+)$/.exec(path);
    if (modelPath && method === "GET") {
      const name = decodeURIComponent(modelPath[1] as string);
      const entry = modelList(options).data.find((model) => model.id === name);
      if (!entry)
        throw new HttpError(404, "model_not_found", `The model \`${name}\` does not exist on this server.`);
      return sendJson(response, 200, entry);
    }
    if (path === "/v1/chat/completions" || path === "/chat/completions" || path === "/api/chat") {
      if (method !== "POST") throw methodNotAllowed(method, path);
      const started = performance.now();
      const handler = path === "/api/chat" ? handleOllamaChat : handleChat;
      const outcome = await handler(request, response, options);
      options.onRequestEnd?.({ ...outcome, status: 200, elapsedMs: performance.now() - started });
      return;
    }
    if (path === "/api/tags" && method === "GET") return sendJson(response, 200, ollamaTags(options));
    if (path === "/api/version" && method === "GET")
      return sendJson(response, 200, { version: OLLAMA_API_VERSION });
    throw new HttpError(404, "not_found", `No route for ${method} ${path}.`, {
      hint: "This server answers GET /v1/models, POST /v1/chat/completions, and Ollama's POST /api/chat and GET /api/tags.",
    });
  }

  const server = createServer((request, response) => {
    const started = performance.now();
    route(request, response).catch((error: unknown) => {
      const url = request.url ?? "";
      writeError(response, error, url.startsWith("/api/") ? "ollama" : "openai");
      if (url.includes("chat/completions") || url.startsWith("/api/chat")) {
        const { status, body } = errorBody(error);
        options.onRequestEnd?.({
          id: "",
          model: "",
          stream: false,
          status,
          elapsedMs: performance.now() - started,
          error: body.error.message,
        });
      }
    });
  });

  return {
    server,
    listen: (port, host = "127.0.0.1") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Ollama API version this server's `/api/chat` follows, for clients that check it. */
const OLLAMA_API_VERSION = "0.12.6";

function methodNotAllowed(method: string, path: string): HttpError {
  return new HttpError(405, "method_not_allowed", `${method} is not allowed on ${path}.`);
}
