import { describe, expect, it } from "vitest";
import { truncateHeadTail as truncateMiddle } from "../sandbox/truncate.js";
import type { ExecResult } from "../sandbox/types.js";
import { observationMessage } from "./observation.js";
import { firstMessage, subCallCapacity, systemPrompt } from "./prompts.js";

function exec(fields: Partial<ExecResult>): ExecResult {
  return {
    stdout: "",
    stderr: "",
    error: undefined,
    answer: undefined,
    elapsedMs: 12,
    restarted: false,
    variables: [],
    ...fields,
  };
}

describe("observationMessage", () => {
  it("cuts each block's streams head and tail and says how much was cut", () => {
    const long = `${"a".repeat(5000)}MIDDLE${"z".repeat(5000)}`;
    const message = observationMessage({
      blocks: [
        { code: "print(x)", result: exec({ stdout: long }) },
        { code: "1/0", result: exec({ error: "Traceback...\nZeroDivisionError: division by zero" }) },
      ],
      iteration: 2,
      maxIterations: 10,
      maxChars: 1000,
      notes: ["a note"],
    });
    expect(message).toContain("[block 1 of 2] ran");
    expect(message).toContain(`[... ${long.length - 1000} characters cut ...]`);
    expect(message).not.toContain("MIDDLE");
    expect(message).toContain("aaaa");
    expect(message).toContain("zzzz");
    expect(message).toContain("[block 2 of 2] raised an error");
    expect(message).toContain("ZeroDivisionError");
    expect(message).toContain("a note");
    expect(message).toContain("Turn 2 of 10");
  });

  it("says when there was no output and when the REPL restarted", () => {
    const message = observationMessage({
      blocks: [{ code: "x = 1", result: exec({ restarted: true, stopped: "memory", variables: [] }) }],
      iteration: 1,
      maxIterations: 3,
      maxChars: 100,
      notes: [],
    });
    expect(message).toContain("no output");
    expect(message).toContain("restarted (memory)");
  });

  it("lists the variables after the last block", () => {
    const message = observationMessage({
      blocks: [{ code: "x = 'ab'", result: exec({ variables: [{ name: "x", type: "str", size: 2 }] }) }],
      iteration: 1,
      maxIterations: 3,
      maxChars: 100,
      notes: [],
    });
    expect(message).toContain("Variables: x (str, 2)");
  });
});

describe("prompts", () => {
  it("derives the sub-call capacity from the sub-model's window", () => {
    expect(subCallCapacity(32_768)).toBe(86_000);
    expect(subCallCapacity(4096)).toBe(9216);
    expect(subCallCapacity(100)).toBe(1000);
  });

  it("gives metadata, not the context, in the first message", () => {
    const message = firstMessage(
      "How many?",
      {
        type: "list",
        totalChars: 300,
        partLengths: [100, 200],
        keys: undefined,
        preview: "first part",
        variable: "context",
      },
      9216,
      30,
    );
    expect(message).toContain("Query: How many?");
    expect(message).toContain("type: list of 2 str");
    expect(message).toContain("total length: 300 characters");
    expect(message).toContain("part lengths: [100, 200]");
    expect(message).toContain('starts with: "first part"');
    expect(message).toContain("about 9,216 characters");
  });

  it("lists the first 100 part lengths only", () => {
    const lengths = Array.from({ length: 150 }, (_, index) => index);
    const message = firstMessage(
      "q",
      {
        type: "list",
        totalChars: 1,
        partLengths: lengths,
        keys: undefined,
        preview: "",
        variable: "context",
      },
      1000,
      5,
    );
    expect(message).toContain("98, 99, ... (50 more)]");
  });

  it("states the REPL contract, the aliases, the strategy and the tools", () => {
    const prompt = systemPrompt({
      subCallChars: 9216,
      recursive: true,
      tools: { lookup: { description: "finds a word in the dictionary", handler: () => "" } },
      instructions: "Answer in French.",
      session: false,
    });
    for (const part of [
      "```repl",
      "ask_llm",
      "parallel_ask_llm",
      "llm_query_batched",
      "rlm_query",
      "FINAL_VAR",
      "answer['ready']",
      "9,216",
      "Filter in code",
      "Batch",
      "lookup(...)",
      "Answer in French.",
    ]) {
      expect(prompt).toContain(part);
    }
  });
});

describe("truncateMiddle", () => {
  it("keeps short text whole and cuts long text to the limit plus the marker", () => {
    expect(truncateMiddle("short", 10)).toBe("short");
    const cut = truncateMiddle("x".repeat(100), 10);
    expect(cut).toBe(`xxxxxx\n[... 90 characters cut ...]\nxxxx`);
  });
});
