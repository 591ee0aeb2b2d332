import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { CompletionResult } from "../rlm/types.js";
import { createRlmServer, type RlmServer } from "./create-server.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * The guards every request passes, over real HTTP: the `Host` check (DNS rebinding), the JSON
 * content type on POSTs (cross-site form posts), the bearer key, and the refusal to listen beyond
 * loopback without a key. The engine is a stand-in that counts the runs it is asked for: what is
 * tested is whether a run starts at all.
 */

const ANSWER: CompletionResult = {
  answer: "42",
  stopReason: "answer",
  usage: {},
  iterations: 1,
  subCalls: 0,
  depth: 0,
  elapsedMs: 1,
  tracePath: undefined,
};

const CHAT_BODY = JSON.stringify({
  model: "rlm",
  messages: [
    { role: "user", content: "the document" },
    { role: "user", content: "the question" },
  ],
});

const open: RlmServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

function startServer(extra: Partial<RlmServerOptions> = {}) {
  const runs = { started: 0 };
  const server = createRlmServer({
    models: { rlm: "openai-compatible:http://127.0.0.1:1/v1#unused" },
    rlm: {},
    createEngine: () => {
      runs.started++;
      return { completion: async () => ANSWER };
    },
    ...extra,
  });
  open.push(server);
  return { server, runs };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with headers of our choosing (fetch will not send a chosen `Host`). */
function send(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const target = new URL(options.path ?? "/", url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      target,
      { method: options.method ?? "GET", headers: options.headers ?? {} },
      (incoming) => {
        let body = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => {
          body += chunk;
        });
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

describe("content type: only JSON bodies start a run", () => {
  it("refuses text/plain, forms and a missing type on every POST route with 415, before any run", async () => {
    const { server, runs } = startServer();
    const url = await server.listen(0);
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const openai = await send(url, {
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": type },
        body: CHAT_BODY,
      });
      expect(openai.status).toBe(415);
      expect(JSON.parse(openai.body)).toMatchObject({
        error: { type: "invalid_request_error", code: "unsupported_media_type", param: "content-type" },
      });
      expect(JSON.parse(openai.body).error.message).toContain("Content-Type: application/json");
      const ollama = await send(url, {
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": type },
        body: CHAT_BODY,
      });
      expect(ollama.status).toBe(415);
      expect(JSON.parse(ollama.body).error).toContain("Content-Type: application/json");
    }
    const untyped = await send(url, { method: "POST", path: "/chat/completions", body: CHAT_BODY });
    expect(untyped.status).toBe(415);
    expect(runs.started).toBe(0);
  });

  it("accepts application/json with a charset, in any case", async () => {
    const { server, runs } = startServer();
    const url = await server.listen(0);
    const reply = await send(url, {
      method: "POST",
      path: "/v1/chat/completions",
      headers: { "content-type": "Application/JSON; charset=utf-8" },
      body: CHAT_BODY,
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).choices[0].message.content).toBe("42");
    expect(runs.started).toBe(1);
  });
});

describe("Host header: DNS rebinding", () => {
  it("on loopback, answers loopback names with the right port and refuses others with 421", async () => {
    const { server } = startServer();
    const url = await server.listen(0);
    const port = new URL(url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(url, { path: "/v1/models", headers: { host } })).status).toBe(200);
    }
    for (const host of [`attacker.example:${port}`, `localhost:${Number(port) + 1}`, "localhost"]) {
      for (const path of ["/v1/models", "/health"]) {
        const refused = await send(url, { path, headers: { host } });
        expect(refused.status).toBe(421);
        expect(JSON.parse(refused.body).error).toMatchObject({ code: "misdirected_host" });
      }
    }
    const posted = await send(url, {
      method: "POST",
      path: "/v1/chat/completions",
      headers: { host: `attacker.example:${port}`, "content-type": "application/json" },
      body: CHAT_BODY,
    });
    expect(posted.status).toBe(421);
  });

  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;

  it.skipIf(lanAddress === undefined)("on a LAN address, answers only that address", async () => {
    const { server } = startServer({ apiKey: "k" });
    const url = await server.listen(0, lanAddress);
    const port = new URL(url).port;
    const headers = { authorization: "Bearer k" };
    expect(
      (await send(url, { path: "/v1/models", headers: { ...headers, host: `${lanAddress}:${port}` } }))
        .status,
    ).toBe(200);
    expect(
      (await send(url, { path: "/v1/models", headers: { ...headers, host: `localhost:${port}` } })).status,
    ).toBe(421);
    expect(
      (await send(url, { path: "/v1/models", headers: { ...headers, host: `evil.example:${port}` } })).status,
    ).toBe(421);
  });

  it("on every interface (0.0.0.0), answers any name: the required key is the defence there", async () => {
    const { server } = startServer({ apiKey: "k" });
    const url = await server.listen(0, "0.0.0.0");
    const port = new URL(url).port;
    const reply = await send(`http://127.0.0.1:${port}`, {
      path: "/v1/models",
      headers: { host: `rlm.internal.example:${port}`, authorization: "Bearer k" },
    });
    expect(reply.status).toBe(200);
  });
});

describe("listening beyond loopback needs a key", () => {
  it("refuses 0.0.0.0 without a key, saying what to do; insecureNoKey allows it", async () => {
    const { server } = startServer();
    await expect(server.listen(0, "0.0.0.0")).rejects.toMatchObject({
      code: "config-insecure-bind",
      message: expect.stringContaining("without an API key"),
      hint: expect.stringContaining("--insecure-no-key"),
    });
    const { server: insecure } = startServer({ insecureNoKey: true });
    const url = await insecure.listen(0, "0.0.0.0");
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const { server: keyed } = startServer({ apiKey: "k" });
    await expect(keyed.listen(0, "0.0.0.0")).resolves.toMatch(/^http:/);
    const { server: local } = startServer();
    await expect(local.listen(0, "localhost")).resolves.toMatch(/^http:/);
  });
});

describe("bearer key", () => {
  it("refuses a wrong key whatever its length, and a prefix or extension of the right one", async () => {
    const { server, runs } = startServer({ apiKey: "the-right-key-0123" });
    const baseURL = `${await server.listen(0)}/v1`;
    for (const apiKey of [
      "x",
      "the-right-key-012",
      "the-right-key-01234",
      "the-right-key-0124",
      "a".repeat(500),
    ]) {
      await expect(new OpenAI({ baseURL, apiKey, maxRetries: 0 }).models.list()).rejects.toMatchObject({
        status: 401,
        code: "invalid_api_key",
        message: expect.stringContaining("Incorrect API key provided."),
      });
    }
    const missing = await send(baseURL, { path: "/v1/models" });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body).error.message).toContain("Missing bearer API key.");
    const models = await new OpenAI({ baseURL, apiKey: "the-right-key-0123", maxRetries: 0 }).models.list();
    expect(models.data.map((model) => model.id)).toEqual(["rlm"]);
    expect(runs.started).toBe(0);
  });
});
