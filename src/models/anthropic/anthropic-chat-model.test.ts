import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeAnthropic } from "../../../test/fakes/index.js";
import type { FakeServer } from "../../../test/fakes/types.js";
import { runBackendSuite } from "../common.case.js";
import { createModel } from "../create-model.js";

const environment = (server: FakeServer) => ({
  ANTHROPIC_BASE_URL: server.url,
  ANTHROPIC_API_KEY: "sk-ant-test",
});

runBackendSuite({
  name: "anthropic",
  start: async (policy, options) => {
    const server = await startFakeAnthropic(policy, { contextLength: options?.contextLength });
    return { server, model: createModel("anthropic:claude-sonnet-4-5", { env: environment(server) }) };
  },
  sentOptions: (body) => ({ temperature: body.temperature, maxTokens: body.max_tokens }),
  skip: {
    "context-window":
      "Anthropic's API does not report context windows; the table of known models is used (tested below)",
  },
});

describe("anthropic backend specifics", () => {
  it("sends the key, the API version, the system prompt apart and a required max_tokens", async () => {
    const server = await startFakeAnthropic(() => ({ text: "ok" }));
    closeAfterTest(server);
    const model = createModel("anthropic:claude-sonnet-4-5", { env: environment(server) });
    const reply = await model.chat(
      [
        { role: "system", content: "rules" },
        { role: "user", content: "hi" },
      ],
      { stop: ["END"], jsonSchema: { type: "object" } },
    );
    const request = server.requests[0]!;
    expect(request.headers["x-api-key"]).toBe("sk-ant-test");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.body).toMatchObject({ system: "rules", max_tokens: 8_192, stop_sequences: ["END"] });
    expect(request.body.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(reply.warnings).toEqual(["jsonSchema is not supported by the Anthropic backend; it was ignored"]);
    expect(await model.info()).toMatchObject({ provider: "anthropic", contextWindow: 200_000 });
  });

  it("marks a conversation's system prompt and last turn for prompt caching", async () => {
    const server = await startFakeAnthropic(() => ({ text: "next", promptTokens: 10 }));
    closeAfterTest(server);
    const model = createModel("anthropic:claude-sonnet-4-5", { env: environment(server) });
    await model.chat([
      { role: "system", content: "rules" },
      { role: "user", content: "first" },
      { role: "assistant", content: "reply" },
      { role: "user", content: "output" },
    ]);
    const cached = { type: "ephemeral" };
    expect(server.requests[0]!.body.system).toEqual([{ type: "text", text: "rules", cache_control: cached }]);
    expect((server.requests[0]!.body.messages as unknown[]).at(-1)).toEqual({
      role: "user",
      content: [{ type: "text", text: "output", cache_control: cached }],
    });
    expect(server.requests[0]!.messages.at(-1)).toEqual({ role: "user", content: "output" });
  });

  it("asks for thinking with a budget below max_tokens and leaves temperature out", async () => {
    const server = await startFakeAnthropic(() => ({ text: "x" }));
    closeAfterTest(server);
    const model = createModel("anthropic:claude-sonnet-4-5", { env: environment(server) });
    const reply = await model.chat([{ role: "user", content: "hi" }], {
      think: true,
      temperature: 0,
      maxTokens: 4_000,
    });
    expect(server.requests[0]!.body).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 2_000 },
      max_tokens: 4_000,
    });
    expect(server.requests[0]!.body.temperature).toBeUndefined();
    expect(reply.warnings?.[0]).toMatch(/temperature/);
  });

  it("retries overloaded (529) and names a missing model", async () => {
    const server = await startFakeAnthropic(() => ({ fault: "status", status: 529, message: "Overloaded" }), {
      models: ["claude-sonnet-4-5"],
    });
    closeAfterTest(server);
    const overloaded = createModel("anthropic:claude-sonnet-4-5", { env: environment(server) });
    await expect(overloaded.chat([{ role: "user", content: "hi" }])).rejects.toMatchObject({
      isRetryable: true,
    });
    const missing = createModel("anthropic:claude-nope", { env: environment(server) });
    await expect(missing.chat([{ role: "user", content: "hi" }])).rejects.toMatchObject({
      code: "model-not-found",
    });
  });

  it("fails at creation when ANTHROPIC_API_KEY is missing, naming the variable", () => {
    expect(() => createModel("anthropic:claude-sonnet-4-5", { env: {} })).toThrowError(
      expect.objectContaining({
        code: "missing-api-key",
        message: expect.stringContaining("ANTHROPIC_API_KEY"),
      }),
    );
  });
});
