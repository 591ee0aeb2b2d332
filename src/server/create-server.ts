import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createSharedModelPool } from "../models/pool/index.js";
import { allowedHostHeaders } from "../net/allowed-hosts.js";
import { RLM } from "../rlm/index.js";
import { RunAdmission } from "./admission.js";
import { authorize } from "./authorize.js";
import { checkBindPolicy } from "./bind-policy.js";
import { handleChat } from "./chat-handler.js";
import { errorBody, HttpError, writeError } from "./http-error.js";
import { handleOllamaChat, ollamaTags } from "./ollama-handler.js";
import { checkHost, requireJsonContent } from "./request-guards.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * The HTTP server: routing, the guards every request passes (its `Host`, the bearer key, a JSON
 * content type on POSTs, a place among the admitted runs), and the single catch that turns every
 * failure into an error response (`http-error.ts`). Plain `node:http`: a handful of routes do not
 * need a framework. Each request runs its own RLM, so requests are concurrent by construction;
 * their model calls share one pool, so the backend concurrency limit holds across them.
 */

export const DEFAULT_MAX_CONCURRENT_RUNS = 8;
export const DEFAULT_MAX_QUEUED_RUNS = 32;
/**
 * Pyodide sandboxes kept ready by default: none. The sandbox host process already boots a spare
 * worker when one closes; a pool beside it only adds boots of ~150 MB each (bench/server: 1
 * completion/s with 2, 2-3 with none).
 */
export const DEFAULT_PYODIDE_SANDBOX_POOL = 0;

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

export function createRlmServer(serverOptions: RlmServerOptions): RlmServer {
  const sharedPool = serverOptions.rlm.createPool
    ? undefined
    : createSharedModelPool({ ...serverOptions.rlm.pool, concurrency: serverOptions.rlm.concurrency });
  const maxRunning = serverOptions.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
  const pyodide = (serverOptions.rlm.sandbox?.runtime ?? "pyodide") === "pyodide";
  const poolSize = serverOptions.sandboxPool ?? (pyodide ? DEFAULT_PYODIDE_SANDBOX_POOL : maxRunning);
  // One pool for every request: each takes fresh sandboxes from it, so none waits for Python to boot.
  const sandboxPool = poolSize > 0 ? RLM.createSandboxPool(serverOptions.rlm, poolSize) : undefined;
  const options: RlmServerOptions = {
    ...serverOptions,
    rlm: {
      ...serverOptions.rlm,
      ...(sharedPool ? { createPool: () => sharedPool.forRun() } : {}),
      ...(sandboxPool ? { sandboxPool } : {}),
    },
  };
  const admission = new RunAdmission({
    maxRunning,
    maxQueued: options.maxQueuedRuns ?? DEFAULT_MAX_QUEUED_RUNS,
  });
  /** Set by `listen`; derived from the bound address when the caller used `server.listen` itself. */
  let allowedHosts: ReadonlySet<string> | "any" | undefined;

  function currentAllowedHosts(): ReadonlySet<string> | "any" {
    if (allowedHosts !== undefined) return allowedHosts;
    const address = server.address();
    // A Unix socket or named pipe is out of a browser's reach: there is no host name to check.
    if (address === null || typeof address === "string") return "any";
    allowedHosts = allowedHostHeaders([address.address], address.port);
    return allowedHosts;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const method = request.method ?? "GET";
    checkHost(request, currentAllowedHosts());
    if (path === "/health") return sendJson(response, 200, { status: "ok" });
    authorize(request, options.apiKey);
    // Every POST this server answers carries JSON: checked before routing, so no route can forget.
    if (method === "POST") requireJsonContent(request);
    if (path === "/v1/models" || path === "/models") {
      if (method !== "GET") throw methodNotAllowed(method, path);
      return sendJson(response, 200, modelList(options));
    }
    const modelPath = /^\/(?:v1\/)?models\/(.+)$/.exec(path);
    if (modelPath && method === "GET") {
      const name = decodeURIComponent(modelPath[1] as string);
      const entry = modelList(options).data.find((model) => model.id === name);
      if (!entry)
        throw new HttpError("unknown-model", `The model \`${name}\` does not exist on this server.`);
      return sendJson(response, 200, entry);
    }
    if (path === "/v1/chat/completions" || path === "/chat/completions" || path === "/api/chat") {
      if (method !== "POST") throw methodNotAllowed(method, path);
      const started = performance.now();
      const handler = path === "/api/chat" ? handleOllamaChat : handleChat;
      // Taken before the body is read: a refused request (503) costs no memory.
      const ticket = admission.admit();
      try {
        const outcome = await handler(request, response, options, ticket);
        options.onRequestEnd?.({ ...outcome, status: 200, elapsedMs: performance.now() - started });
      } finally {
        ticket.release();
      }
      return;
    }
    if (path === "/api/tags" && method === "GET") return sendJson(response, 200, ollamaTags(options));
    if (path === "/api/version" && method === "GET")
      return sendJson(response, 200, { version: OLLAMA_API_VERSION });
    throw new HttpError("unknown-route", `No route for ${method} ${path}.`, {
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
        checkBindPolicy(host, options);
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          sandboxPool?.fill();
          const address = server.address() as AddressInfo;
          allowedHosts = allowedHostHeaders([host, address.address], address.port);
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() =>
          resolve(Promise.all([sharedPool?.close(), sandboxPool?.close()]).then(() => undefined)),
        );
      }),
  };
}

/** The Ollama API version this server's `/api/chat` follows, for clients that check it. */
const OLLAMA_API_VERSION = "0.12.6";

function methodNotAllowed(method: string, path: string): HttpError {
  return new HttpError("method-not-allowed", `${method} is not allowed on ${path}.`);
}
