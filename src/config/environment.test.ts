import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_VARIABLES } from "./environment.js";

/** The one list of environment variables against the README's table and the code that reads them. */

const root = join(import.meta.dirname, "..", "..");

/** Read as every program reads them, not settings of rlm's own: not in the table. */
const STANDARD = new Set(["HOME", "PATH", "PYTHONUSERBASE", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"]);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === "__fixtures__" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("the environment variables", () => {
  const names = ENVIRONMENT_VARIABLES.map((variable) => variable.name);
  const list = join(root, "src", "config", "environment.ts");
  const sources = sourceFiles(join(root, "src")).filter((path) => path !== list);
  const code = sources.map((path) => readFileSync(path, "utf8"));

  it("are listed in the README's table, each as the list says, in its order", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8").split("\n");
    const start = readme.indexOf("| environment variable | meaning |");
    expect(start).toBeGreaterThan(0);
    const end = readme.findIndex((line, index) => index > start && !line.startsWith("|"));
    const rows = readme.slice(start + 2, end);
    expect(rows).toEqual(ENVIRONMENT_VARIABLES.map(({ name, meaning }) => `| \`${name}\` | ${meaning} |`));
  });

  it("include every variable the code reads, and the code reads every one listed", () => {
    const read = new Set<string>();
    const reads = /\b(?:process\.env|environment|env)\??\.([A-Z][A-Z0-9_]+)|_VARIABLE = "([A-Z][A-Z0-9_]+)"/g;
    for (const text of code) {
      for (const match of text.matchAll(reads)) read.add((match[1] ?? match[2])!);
    }
    expect([...read].filter((name) => !STANDARD.has(name) && !names.includes(name))).toEqual([]);
    expect(names.filter((name) => !code.some((text) => text.includes(name)))).toEqual([]);
  });

  it("are each listed once", () => {
    expect(new Set(names).size).toBe(names.length);
  });
});
