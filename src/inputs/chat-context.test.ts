import { describe, expect, it } from "vitest";
import { ChatContextError, chatContext } from "./chat-context.js";

/** The shared rule on its own; `src/server/request-context.test.ts` checks it through `rlm serve`. */

async function failureOf(promise: Promise<unknown>): Promise<ChatContextError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ChatContextError);
  return error as ChatContextError;
}

describe("chatContext", () => {
  it("reads files given as bytes, as base64 and as known text, named by file name", async () => {
    const result = await chatContext(
      [
        { role: "system", parts: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          parts: [
            { type: "text", text: "notes" },
            { type: "file", filename: "a.txt", data: new TextEncoder().encode("alpha") },
            { type: "file", data: Buffer.from("beta").toString("base64") },
            { type: "file", filename: "a.txt", text: "gamma" },
          ],
        },
        { role: "user", parts: [{ type: "text", text: "  which? " }] },
      ],
      { contextField: "rlm_context" },
    );
    expect(result).toEqual({
      context: { "message 2": "notes", "a.txt": "alpha", "file 3": "beta", "a.txt (2)": "gamma" },
      query: "which?",
      instructions: "Be brief.",
    });
  });

  it("says where a problem is, and names the caller's context field", async () => {
    const notLast = await failureOf(
      chatContext(
        [
          { role: "user", parts: [{ type: "text", text: "doc" }] },
          { role: "assistant", parts: [{ type: "text", text: "reply" }] },
        ],
        { contextField: "x" },
      ),
    );
    expect(notLast).toMatchObject({ code: "invalid-request", location: { message: 1, field: "role" } });
    const missing = await failureOf(
      chatContext([{ role: "user", parts: [{ type: "text", text: "q" }] }], {
        contextField: "providerOptions.rlm.context",
      }),
    );
    expect(missing).toMatchObject({ code: "missing-context", location: { field: "messages" } });
    expect(missing.hint).toContain("providerOptions.rlm.context");
    const both = await failureOf(
      chatContext(
        [
          { role: "user", parts: [{ type: "text", text: "doc" }] },
          { role: "user", parts: [{ type: "text", text: "q" }] },
        ],
        { context: "doc", contextField: "providerOptions.rlm.context" },
      ),
    );
    expect(both.message).toBe(
      "Give the context one way: providerOptions.rlm.context or earlier messages, not both.",
    );
    const empty = await failureOf(
      chatContext(
        [
          {
            role: "user",
            parts: [
              { type: "text", text: "q" },
              { type: "file", data: new Uint8Array() },
            ],
          },
        ],
        { contextField: "x" },
      ),
    );
    expect(empty).toMatchObject({ code: "invalid-file", message: "The attached file file 1 is empty." });
  });
});
