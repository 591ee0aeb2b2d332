/**
 * Every reply is capped (`maxReplyTokens`, by default a quarter of the model's window): the fake
 * server sees the cap on each request, and a reply that hit it is followed by a note telling the
 * model it was cut.
 */

import { describe, expect, it } from "vitest";
import { code, lastUserMessage } from "../../test/policies/conversation.js";
import { testModels } from "../../test/policies/harness.js";
import { RLM } from "./index.js";

describe("reply caps", () => {
  it("caps root and sub replies from their windows, or as given; a cut reply is pointed out", async () => {
    const models = await testModels(
      {
        root: (request) => {
          const turn = request.messages.filter((message) => message.role === "assistant").length;
          if (turn === 0)
            return { text: `${code('print(llm_query("hi"))')}\nNext I will look at`, finishReason: "length" };
          return { text: code('FINAL("done")') };
        },
        sub: () => ({ text: "hello" }),
      },
      4_096,
    );
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "process" },
    });
    const result = await rlm.completion("some context", "Say done.");
    expect(result.answer).toBe("done");
    const caps = (model: string) =>
      models.server.requests
        .filter((request) => request.model === model)
        .map((request) => request.body.max_tokens);
    // A quarter of the 4,096-token window.
    expect(caps("root")).toEqual([1_024, 1_024]);
    expect(caps("sub")).toEqual([1_024]);
    const second = models.server.requests.filter((request) => request.model === "root")[1]!;
    expect(lastUserMessage(second)).toContain("cut off");

    const given = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "process" },
      maxReplyTokens: { root: 300, sub: 50 },
    });
    const before = models.server.requests.length;
    await given.completion("some context", "Say done.");
    const later = models.server.requests.slice(before);
    expect(later.map((request) => [request.model, request.body.max_tokens])).toEqual([
      ["root", 300],
      ["sub", 50],
      ["root", 300],
    ]);
  });
});
