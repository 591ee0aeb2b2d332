import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import { createModel } from "../create-model.js";
import { postJson } from "./post-json.js";
import { readJson } from "./read-body.js";
import { parseRetryAfter } from "./retry-after.js";
import { readNdjson, readSse } from "./stream-readers.js";

/** A tiny real server that writes exactly the bytes a test gives it. */
let server: Server | undefined;
async function serve(
  write: (request: import("node:http").IncomingMessage, response: import("node:http").ServerResponse) => void,
): Promise<string> {
  server = createServer((request, response) => write(request, response));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});
const network = { target: "the test server", unreachableHint: "start it" };

describe("http layer", () => {
  it("reuses connections: 40 calls, 4 at a time, open far fewer than 40 sockets", async () => {
    const fake = await startFakeOpenAI(() => ({ text: "ok", delayMs: 5 }));
    try {
      const model = createModel(`openai-compatible:${fake.url}/v1#m`, { env: {} });
      const queue = Array.from({ length: 40 }, (_, index) => index);
      const worker = async (): Promise<void> => {
        while (queue.shift() !== undefined) await model.chat([{ role: "user", content: "hi" }]);
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(fake.requests).toHaveLength(40);
      // A socket is released a moment after its body is read, so a few extra may open; without
      // keep-alive every call would open its own.
      expect(fake.connections).toBeLessThan(20);
    } finally {
      await fake.close();
    }
  });

  it("parses Retry-After as seconds, as a date, and retry-after-ms", () => {
    const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });
    expect(parseRetryAfter(headers({ "retry-after": "2" }))).toBe(2);
    expect(parseRetryAfter(headers({ "retry-after-ms": "1500", "retry-after": "9" }))).toBe(1.5);
    expect(parseRetryAfter(headers({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6);
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it("reads server-sent events with comments, named events, multi-line data and CRLF", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(': keep-alive\r\n\r\nevent: message_start\r\ndata: {"a":1}\r\n\r\n');
      response.write("data: line one\ndata: line two\n\n");
      response.end("data: [DONE]");
    });
    const events = [];
    for await (const event of readSse(await postJson({ url, body: {}, network }), url)) events.push(event);
    expect(events).toEqual([
      { event: "message_start", data: '{"a":1}' },
      { event: undefined, data: "line one\nline two" },
      { event: undefined, data: "[DONE]" },
    ]);
  });

  it("reads NDJSON split at arbitrary byte boundaries, multi-byte characters included", async () => {
    const url = await serve((_request, response) => {
      const bytes = Buffer.from('{"t":"héllo"}\n{"t":"wörld"}\n');
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let index = 0; index < bytes.length; index += 3) response.write(bytes.subarray(index, index + 3));
      response.end();
    });
    const values = [];
    for await (const value of readNdjson(await postJson({ url, body: {}, network }), url)) values.push(value);
    expect(values).toEqual([{ t: "héllo" }, { t: "wörld" }]);
  });

  it("reads server-sent events delivered one byte at a time", async () => {
    const url = await serve((_request, response) => {
      const bytes = Buffer.from('event: a\r\ndata: {"t":"é"}\r\n\r\ndata: two\n\n');
      response.writeHead(200, { "content-type": "text/event-stream" });
      let index = 0;
      const next = (): void => {
        if (index === bytes.length) return void response.end();
        response.write(bytes.subarray(index, ++index), () => setImmediate(next));
      };
      next();
    });
    const events = [];
    for await (const event of readSse(await postJson({ url, body: {}, network }), url)) events.push(event);
    expect(events).toEqual([
      { event: "a", data: '{"t":"é"}' },
      { event: undefined, data: "two" },
    ]);
  });

  it("names the field a reply is missing", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"choices": []}');
    });
    const schema = z.object({ choices: z.array(z.unknown()).min(1) });
    await expect(readJson(await postJson({ url, body: {}, network }), schema, url)).rejects.toMatchObject({
      code: "malformed-response",
      message: expect.stringContaining("choices"),
    });
  });

  it("follows a redirect, as fetch did, and goes through a caller's own fetch when given one", async () => {
    const url = await serve((request, response) => {
      if (request.url === "/old") {
        response.writeHead(307, { location: "/new" });
        return void response.end();
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: request.url }));
    });
    const schema = z.object({ path: z.string() });
    const moved = await postJson({ url: `${url}/old`, body: {}, network });
    expect(await readJson(moved, schema, url)).toEqual({ path: "/new" });
    const { fetch } = await import("undici");
    const seen: string[] = [];
    const own: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const viaOwn = await postJson({ url: `${url}/direct`, body: {}, network, http: { fetch: own } });
    expect(await readJson(viaOwn, schema, url)).toEqual({ path: "/direct" });
    expect(seen).toEqual([`${url}/direct`]);
  });

  it("lets a backend read a failure its own way before the defaults", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(418, { "content-type": "application/json" });
      response.end('{"error": {"message": "short and stout", "code": "teapot"}}');
    });
    const { RlmError } = await import("../../errors/index.js");
    await expect(
      postJson({
        url,
        body: {},
        network,
        mapError: (failure) =>
          failure.errorType === "teapot" ? new RlmError("quota-exceeded", failure.message) : undefined,
      }),
    ).rejects.toMatchObject({ code: "quota-exceeded", message: "short and stout" });
  });
});
