import { describe, expect, it } from "vitest";
import { globBase, globToRegExp, isGlob } from "./glob.js";

describe("glob", () => {
  it("finds the literal base directory to walk", () => {
    expect(globBase("src/**/*.ts")).toBe("src");
    expect(globBase("*.md")).toBe(".");
    expect(globBase("/data/logs/*.log")).toBe("/data/logs");
    expect(isGlob("notes.txt")).toBe(false);
  });

  it("matches stars, double stars, classes and braces", () => {
    const typescript = globToRegExp("src/**/*.ts");
    expect(typescript.test("src/a.ts")).toBe(true);
    expect(typescript.test("src/deep/er/b.ts")).toBe(true);
    expect(typescript.test("src/a.tsx")).toBe(false);
    expect(typescript.test("lib/a.ts")).toBe(false);
    const docs = globToRegExp("docs/*.{md,txt}");
    expect(docs.test("docs/read.me.md")).toBe(true);
    expect(docs.test("docs/notes.txt")).toBe(true);
    expect(docs.test("docs/sub/notes.txt")).toBe(false);
    expect(globToRegExp("log[0-9].?sv").test("log7.csv")).toBe(true);
    expect(globToRegExp("log[!0-9].csv").test("log7.csv")).toBe(false);
  });
});
