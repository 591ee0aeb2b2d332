import { describe, expect, it } from "vitest";
import { REPL_ALIASES, REPL_NAMES } from "../sandbox/repl-names.js";
import { COMPACT_PROMPT_BELOW, compactSystemPrompt, sampleOpening, systemPrompt } from "./prompts.js";

const input = (recursive: boolean) => ({
  subCallChars: 1000,
  recursive,
  tools: {},
  instructions: undefined,
  session: false,
});

describe("the system prompt and the REPL's names", () => {
  it("explains every name the REPL offers, at every depth", () => {
    for (const recursive of [true, false]) {
      const prompt = systemPrompt(input(recursive));
      for (const name of REPL_NAMES) expect(prompt, name).toContain(name);
    }
  });

  it("the compact prompt of a small window keeps the protocol: every name but the aliases, repl blocks, each way to submit", () => {
    for (const recursive of [true, false]) {
      const prompt = compactSystemPrompt(input(recursive));
      // The aliases still work; only the compact prompt leaves them out.
      for (const name of REPL_NAMES.filter((name) => !(name in REPL_ALIASES)))
        expect(prompt, name).toContain(name);
      for (const part of ["```repl", "FINAL(", "FINAL_VAR(", 'answer["ready"]'])
        expect(prompt).toContain(part);
      expect(prompt.length).toBeLessThan(systemPrompt(input(recursive)).length / 2);
    }
  });

  it("a run opens with the compact prompt below the threshold and the full one at it", () => {
    const firstLine = (text: string) => text.split("\n")[0];
    const [smallSystem] = sampleOpening(COMPACT_PROMPT_BELOW - 1);
    const [fullSystem] = sampleOpening(COMPACT_PROMPT_BELOW);
    expect(firstLine(smallSystem?.content ?? "")).toBe(firstLine(compactSystemPrompt(input(false))));
    expect(firstLine(fullSystem?.content ?? "")).toBe(firstLine(systemPrompt(input(false))));
  });
});
