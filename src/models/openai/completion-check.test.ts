import { describe, expect, it } from "vitest";
import { isWellFormedCompletion } from "./completion-check.js";
import { completionSchema } from "./openai-schemas.js";

const good = {
  id: "x",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

/** Each case changes one thing of a good reply; the quick check must agree with the schema on every one. */
const cases: Array<[string, unknown]> = [
  ["good", good],
  ["no usage", { ...good, usage: undefined }],
  ["null usage", { ...good, usage: null }],
  ["usage as array", { ...good, usage: [] }],
  ["usage tokens as text", { ...good, usage: { prompt_tokens: "3" } }],
  ["usage tokens null", { ...good, usage: { prompt_tokens: null, completion_tokens: null } }],
  ["no choices", { ...good, choices: [] }],
  ["choices not an array", { ...good, choices: {} }],
  ["choice is null", { ...good, choices: [null] }],
  ["choice is an array", { ...good, choices: [[]] }],
  ["message missing", { ...good, choices: [{ finish_reason: "stop" }] }],
  ["message is an array", { ...good, choices: [{ message: [] }] }],
  ["content null", { ...good, choices: [{ message: { content: null } }] }],
  ["content a number", { ...good, choices: [{ message: { content: 1 } }] }],
  ["reasoning a number", { ...good, choices: [{ message: { content: "a", reasoning: 2 } }] }],
  ["reasoning_content an object", { ...good, choices: [{ message: { reasoning_content: {} } }] }],
  ["finish_reason a number", { ...good, choices: [{ message: {}, finish_reason: 1 }] }],
  ["second choice bad", { ...good, choices: [good.choices[0], { message: 3 }] }],
  ["body an array", [good]],
  ["body null", null],
  ["body text", "ok"],
];

describe("isWellFormedCompletion", () => {
  it.each(cases)("agrees with completionSchema: %s", (_name, value) => {
    expect(isWellFormedCompletion(value)).toBe(completionSchema.safeParse(value).success);
  });
});
