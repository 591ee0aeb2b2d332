import { describe, expect, it } from "vitest";
import { REPL_NAMES } from "../sandbox/repl-names.js";
import { systemPrompt } from "./prompts.js";

describe("the system prompt and the REPL's names", () => {
  it("explains every name the REPL offers, at every depth", () => {
    for (const recursive of [true, false]) {
      const prompt = systemPrompt({
        subCallChars: 1000,
        recursive,
        tools: {},
        instructions: undefined,
        session: false,
      });
      for (const name of REPL_NAMES) expect(prompt, name).toContain(name);
    }
  });
});
