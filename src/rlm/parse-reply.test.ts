import { describe, expect, it } from "vitest";
import { parseReply } from "./parse-reply.js";

describe("parseReply: code blocks", () => {
  it("extracts a ```repl block and the prose around it", () => {
    const parsed = parseReply("Let me look.\n```repl\nprint(len(context))\n```\nThen decide.");
    expect(parsed.codeBlocks).toEqual([
      { code: "print(len(context))\n", language: "repl", unterminated: false },
    ]);
    expect(parsed.prose).toBe("Let me look.\n\nThen decide.");
    expect(parsed.final).toBeUndefined();
  });

  it("runs ```python and ```py fences too, several per reply, in order", () => {
    const parsed = parseReply("```python\nx = 1\n```\ntext\n```py\ny = 2\n```\n```REPL\nz = 3\n```");
    expect(parsed.codeBlocks.map((block) => block.code.trim())).toEqual(["x = 1", "y = 2", "z = 3"]);
  });

  it("keeps an unterminated last block", () => {
    const parsed = parseReply("```repl\na = 1\n```\n```repl\nfor i in range(3):\n    print(i)");
    expect(parsed.codeBlocks).toHaveLength(2);
    expect(parsed.codeBlocks[1]).toEqual({
      code: "for i in range(3):\n    print(i)",
      language: "repl",
      unterminated: true,
    });
  });

  it("ends an unclosed block where the next block opens", () => {
    const parsed = parseReply("```repl\na = 1\n```repl\nb = 2\n```");
    expect(parsed.codeBlocks.map((block) => block.code)).toEqual(["a = 1\n", "b = 2\n"]);
  });

  it("ignores code inside <think> sections, paired, orphan-closed or unterminated", () => {
    const paired = parseReply("<think>maybe ```repl\nbad()\n```</think>\n```repl\ngood()\n```");
    expect(paired.codeBlocks.map((block) => block.code.trim())).toEqual(["good()"]);
    expect(paired.thinking).toContain("bad()");
    const orphan = parseReply("I should print FINAL(no)\n</think>\n```repl\ngood()\n```");
    expect(orphan.codeBlocks.map((block) => block.code.trim())).toEqual(["good()"]);
    expect(orphan.final).toBeUndefined();
    const unterminated = parseReply("```repl\ngood()\n```\n<think>then ```repl\nbad()");
    expect(unterminated.codeBlocks.map((block) => block.code.trim())).toEqual(["good()"]);
  });

  it("runs bare fences only when no labelled fence exists", () => {
    expect(parseReply("```\nprint(1)\n```").codeBlocks.map((block) => block.code)).toEqual(["print(1)\n"]);
    const mixed = parseReply("```repl\nprint(2)\n```\nOutput looks like:\n```\n2\n```");
    expect(mixed.codeBlocks.map((block) => block.code)).toEqual(["print(2)\n"]);
  });

  it("does not run other languages", () => {
    expect(parseReply('```json\n{"a": 1}\n```').codeBlocks).toEqual([]);
  });
});

describe("parseReply: answers outside code", () => {
  it("reads FINAL with nested parentheses and quotes", () => {
    const parsed = parseReply('Done.\nFINAL(The answer is (a) "quoted" and f(x(y)))\ntrailing');
    expect(parsed.final).toEqual({ kind: "text", text: 'The answer is (a) "quoted" and f(x(y))' });
  });

  it("unquotes a Python string literal, escapes and triple quotes included", () => {
    expect(parseReply('FINAL("multi\\nline (paren)")').final).toEqual({
      kind: "text",
      text: "multi\nline (paren)",
    });
    expect(parseReply('FINAL("""first\nsecond)""")').final).toEqual({ kind: "text", text: "first\nsecond)" });
    expect(parseReply("FINAL('it\\'s')").final).toEqual({ kind: "text", text: "it's" });
  });

  it("keeps a multi-line unquoted answer and an apostrophe that is not a quote", () => {
    expect(parseReply("FINAL(line one\nline two)").final).toEqual({
      kind: "text",
      text: "line one\nline two",
    });
    expect(parseReply("FINAL(Bob's (red) car)").final).toEqual({ kind: "text", text: "Bob's (red) car" });
  });

  it("keeps what a cut-off FINAL holds", () => {
    expect(parseReply("FINAL(partial answer (cut").final).toEqual({
      kind: "text",
      text: "partial answer (cut",
    });
  });

  it("reads FINAL_VAR with a bare or quoted name", () => {
    expect(parseReply("FINAL_VAR(result)").final).toEqual({ kind: "variable", name: "result" });
    expect(parseReply("FINAL_VAR('result')").final).toEqual({ kind: "variable", name: "result" });
  });

  it("accepts markdown around FINAL but not FINAL mentioned mid-sentence", () => {
    expect(parseReply("**FINAL(42)**").final).toEqual({ kind: "text", text: "42" });
    expect(parseReply("I will call FINAL(x) later").final).toBeUndefined();
  });

  it("does not treat FINAL inside a code block as an answer outside code", () => {
    const parsed = parseReply('```repl\nFINAL("from code")\n```');
    expect(parsed.final).toBeUndefined();
    expect(parsed.codeBlocks).toHaveLength(1);
  });

  it("finds FINAL in a fence that is not code", () => {
    expect(parseReply("```text\nFINAL(7)\n```").final).toEqual({ kind: "text", text: "7" });
  });
});
