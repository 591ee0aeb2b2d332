import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { anthropicHeaders } from "./anthropic/index.js";
import type { CheckContext } from "./backend.js";
import { BACKENDS, backendOf } from "./backends.js";
import { probeJson } from "./http/index.js";
import { parseModelSpec } from "./spec.js";

/** The registry: each backend describes itself once, and `rlm doctor`'s checks go through the models' HTTP layer. */

let server: Server | undefined;
async function serve(listener: RequestListener): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  const running = server;
  server = undefined;
  running?.closeAllConnections();
  if (running) await new Promise((resolve) => running.close(resolve));
});

function context(environment: Record<string, string>, spec: string): CheckContext {
  const parsed = parseModelSpec(spec);
  const [baseUrl = ""] = backendOf(parsed).endpoints(parsed, { env: environment });
  return { environment, timeoutMs: 2_000, baseUrl, noServerFix: "(no server)", config: { env: environment } };
}

describe("the backend registry", () => {
  it("has one backend per prefix, each parsing its own examples", () => {
    const prefixes = BACKENDS.map((backend) => backend.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const backend of BACKENDS) {
      for (const example of backend.examples) expect(parseModelSpec(example).provider).toBe(backend.prefix);
    }
  });

  it("gives each config-file key to one variable", () => {
    const keys = BACKENDS.flatMap((backend) => backend.environment).flatMap((variable) =>
      variable.configFile ? [`${variable.configFile.key}=${variable.name}`] : [],
    );
    expect(new Set(keys.map((entry) => entry.split("=")[0])).size).toBe(new Set(keys).size);
  });

  it("checks Anthropic at ANTHROPIC_BASE_URL with the key and API version its model sends", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const url = await serve((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ data: [{ id: "claude-sonnet-4-5-20250929" }] }));
    });
    const spec = "anthropic:claude-sonnet-4-5";
    const environment = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: url };
    expect(
      await backendOf(parseModelSpec(spec)).check(parseModelSpec(spec), context(environment, spec)),
    ).toEqual({ status: "ok", detail: "Anthropic serves claude-sonnet-4-5." });
    expect(seen[0]).toMatchObject(anthropicHeaders("sk-ant-test"));
  });

  it("probes through the models' HTTP layer: any status comes back, silence is a timeout", async () => {
    const url = await serve((request, response) => {
      if (request.url === "/silent") return;
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ headers: request.headers }));
    });
    const reply = await probeJson(`${url}/models`, { headers: { "x-api-key": "k" }, timeoutMs: 2_000 });
    expect(reply).toMatchObject({ status: 401, body: { headers: { "x-api-key": "k" } } });
    expect(await probeJson(`${url}/silent`, { timeoutMs: 200 })).toEqual({
      error: "no answer within the timeout",
    });
  });
});
