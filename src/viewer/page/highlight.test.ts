import { describe, expect, it } from "vitest";
import { tokenizePython } from "./highlight.js";

describe("tokenizePython", () => {
  it("finds comments, strings, numbers, keywords and the REPL's functions, and loses no character", () => {
    const code = [
      "# count the chunks",
      "for i in range(len(context)):",
      "    answer = llm_query(f'chunk {i}: \\'{context[i]}\\'') if i > 0x1F else None",
      '    note = """two',
      'lines"""  # done',
      "print(3.5e3, 'cut",
      "FINAL_VAR(answer)",
    ].join("\n");
    const tokens = tokenizePython(code);
    expect(tokens.map(([, text]) => text).join("")).toBe(code);
    const of = (kind: string) => tokens.filter(([found]) => found === kind).map(([, text]) => text);
    expect(of("comment")).toEqual(["# count the chunks", "# done"]);
    expect(of("string")).toEqual(["f'chunk {i}: \\'{context[i]}\\''", '"""two\nlines"""', "'cut"]);
    expect(of("number")).toEqual(["0x1F", "3.5e3"]);
    expect(of("keyword")).toEqual(["for", "in", "if", "else", "None"]);
    expect(of("builtin")).toEqual(["range", "len", "context", "llm_query", "print", "FINAL_VAR"]);
  });
});
