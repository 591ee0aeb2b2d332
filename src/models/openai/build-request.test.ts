import { describe, expect, it } from "vitest";
import { buildChatBody } from "./build-request.js";

const messages = [{ role: "user" as const, content: "hi" }];

describe("Chat Completions body", () => {
  it("speaks to OpenAI's reasoning models their way: no temperature, max_completion_tokens, reasoning_effort", () => {
    const { body, warnings } = buildChatBody(
      "gpt-5-mini",
      true,
      messages,
      { temperature: 0, maxTokens: 99, think: false },
      false,
    );
    expect(body).toEqual({
      model: "gpt-5-mini",
      messages,
      max_completion_tokens: 99,
      reasoning_effort: "minimal",
    });
    expect(warnings).toEqual(["temperature is not supported by gpt-5-mini; it was left out"]);
  });

  it("keeps temperature for other OpenAI models and warns that think does nothing there", () => {
    const { body, warnings } = buildChatBody(
      "gpt-4o",
      true,
      messages,
      { temperature: 0.2, think: true },
      true,
    );
    expect(body).toMatchObject({ temperature: 0.2, stream: true, stream_options: { include_usage: true } });
    expect(warnings).toEqual(["think is not supported by gpt-4o; it was ignored"]);
  });

  it("asks for strict JSON only for schemas that forbid extra properties", () => {
    const strictSchema = {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
      additionalProperties: false,
    };
    const strict = buildChatBody("m", false, messages, { jsonSchema: strictSchema }, false).body
      .response_format;
    const loose = buildChatBody("m", false, messages, { jsonSchema: { type: "object" } }, false).body
      .response_format;
    expect(strict).toMatchObject({ json_schema: { strict: true } });
    expect(loose).toMatchObject({ json_schema: { strict: false } });
  });
});
