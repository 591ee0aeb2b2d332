import { describe, expect, it } from "vitest";
import { mapStopReason, mapUsage } from "./map-anthropic.js";

describe("Anthropic usage and stop reasons", () => {
  it("counts cache writes and reads as prompt tokens (they fill the window and are billed)", () => {
    expect(
      mapUsage({
        input_tokens: 5,
        output_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1_000,
      }),
    ).toEqual({ promptTokens: 1_105, completionTokens: 7 });
  });

  it("keeps the prompt count from message_start when message_delta only brings output tokens", () => {
    expect(mapUsage({ output_tokens: 42 }, { promptTokens: 9, completionTokens: 1 })).toEqual({
      promptTokens: 9,
      completionTokens: 42,
    });
  });

  it("maps stop reasons", () => {
    expect(["end_turn", "stop_sequence", "max_tokens", "refusal", "tool_use"].map(mapStopReason)).toEqual([
      "stop",
      "stop",
      "length",
      "content-filter",
      "other",
    ]);
  });
});
