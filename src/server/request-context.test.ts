import { describe, expect, it } from "vitest";
import { makePdf } from "../inputs/__fixtures__/make-pdf.js";
import { parseChatRequest } from "./chat-request.js";
import { errorBody } from "./http-error.js";
import { requestContext } from "./request-context.js";

async function contextOf(body: unknown) {
  return requestContext(parseChatRequest(body));
}

async function failureOf(body: unknown) {
  try {
    await contextOf(body);
  } catch (error) {
    return errorBody(error);
  }
  throw new Error("expected a failure");
}

describe("requestContext", () => {
  it("takes the last user message as the query and one earlier message as a str context", async () => {
    const result = await contextOf({
      model: "rlm",
      messages: [
        { role: "system", content: "Answer in French." },
        { role: "user", content: "The vault code is 4471." },
        { role: "user", content: "What is the vault code?" },
      ],
    });
    expect(result).toEqual({
      context: "The vault code is 4471.",
      query: "What is the vault code?",
      instructions: "Answer in French.",
    });
  });

  it("keeps several earlier messages apart as a list, and honours rlm_context", async () => {
    const several = await contextOf({
      model: "rlm",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "second" },
        { role: "user", content: [{ type: "text", text: "the question" }] },
      ],
    });
    expect(several).toMatchObject({ context: ["first", "second"], query: "the question" });
    const extension = await contextOf({
      model: "rlm",
      rlm_context: { "a.txt": "alpha", "b.txt": "beta" },
      messages: [{ role: "user", content: "which file says beta?" }],
    });
    expect(extension.context).toEqual({ "a.txt": "alpha", "b.txt": "beta" });
  });

  it("reads attached files (text and PDF) into a dict named by file name", async () => {
    const pdf = makePdf([["Invoice total: 918 EUR"]]).toString("base64");
    const result = await contextOf({
      model: "rlm",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is the invoice total?" },
            {
              type: "file",
              file: { filename: "invoice.pdf", file_data: `data:application/pdf;base64,${pdf}` },
            },
            {
              type: "file",
              file: { filename: "notes.txt", file_data: Buffer.from("paid late").toString("base64") },
            },
          ],
        },
      ],
    });
    expect(result).toEqual({
      context: { "invoice.pdf": "Invoice total: 918 EUR", "notes.txt": "paid late" },
      query: "What is the invoice total?",
      instructions: undefined,
    });
  });

  it("refuses requests it cannot answer, with OpenAI-style errors", async () => {
    expect(
      await failureOf({ model: "rlm", messages: [{ role: "user", content: "only a question" }] }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: "missing_context", type: "invalid_request_error", param: "messages" } },
    });
    expect(await failureOf({ model: "rlm", messages: [] })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_request", param: "messages" } },
    });
    expect(
      await failureOf({
        model: "rlm",
        messages: [
          { role: "user", content: "doc" },
          { role: "assistant", content: "an answer" },
        ],
      }),
    ).toMatchObject({ status: 400, body: { error: { param: "messages.1.role" } } });
    expect(
      await failureOf({
        model: "rlm",
        rlm_context: "x",
        messages: [
          { role: "user", content: "doc" },
          { role: "user", content: "q" },
        ],
      }),
    ).toMatchObject({ status: 400, body: { error: { code: "ambiguous_context" } } });
    const binary = Buffer.from([0, 1, 2, 3, 0, 0]).toString("base64");
    expect(
      await failureOf({
        model: "rlm",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "q" },
              { type: "file", file: { filename: "x.bin", file_data: binary } },
            ],
          },
        ],
      }),
    ).toMatchObject({ status: 400, body: { error: { code: "input_binary" } } });
  });
});
