/**
 * Reads a source tree into a `{ path: content }` context and indexes what the codebase questions
 * ask about: where each name is declared, and which module specifiers each file imports.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { RlmError } from "../../src/errors/index.js";

const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", "build", "coverage", "__pycache__", "runs"]);
const MAX_FILE_BYTES = 2_000_000;

/** Declarations in TypeScript/JavaScript and Python, at the start of a line. */
export const DECLARATION_PATTERN =
  /^[ \t]*(?:export[ \t]+)?(?:default[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?(?:async[ \t]+)?(?:function\*?|class|interface|type|enum|const|let|def)[ \t]+([A-Za-z_$][\w$]*)/gm;
/** `from "x"`, `import "x"`, `import("x")`, `require("x")`. */
export const IMPORT_PATTERN = /(?:\bfrom|\bimport|\brequire)[ \t]*\(?[ \t]*["']([^"'\n]+)["']/g;

export function readSourceTree(directory: string): Record<string, string> {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(directory);
  } catch (error) {
    throw new RlmError("bench-directory-missing", `cannot read the directory ${directory}`, {
      hint: "pass an existing source directory with --dir (default: this repository's src/)",
      cause: error,
    });
  }
  if (!stats.isDirectory()) {
    throw new RlmError("bench-directory-missing", `${directory} is not a directory`, {
      hint: "pass a directory with --dir",
    });
  }
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".")) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path);
      } else if (entry.isFile() && statSync(path).size <= MAX_FILE_BYTES) {
        const bytes = readFileSync(path);
        // Binary files (a NUL byte) are not source.
        if (bytes.includes(0)) continue;
        files[relative(directory, path).split(sep).join("/")] = bytes.toString("utf8");
      }
    }
  };
  walk(directory);
  if (Object.keys(files).length === 0) {
    throw new RlmError("bench-directory-empty", `no text files under ${directory}`, {
      hint: "point --dir at a directory with source files",
    });
  }
  return files;
}

/** name -> the files that declare it. */
export function declarations(files: Record<string, string>): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [path, content] of Object.entries(files)) {
    for (const match of content.matchAll(DECLARATION_PATTERN)) {
      const name = match[1]!;
      const paths = found.get(name) ?? new Set<string>();
      paths.add(path);
      found.set(name, paths);
    }
  }
  return found;
}

/** path -> the module specifiers it imports. */
export function importsByFile(files: Record<string, string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [path, content] of Object.entries(files)) {
    found.set(
      path,
      [...content.matchAll(IMPORT_PATTERN)].map((match) => match[1]!),
    );
  }
  return found;
}

export function lineCount(content: string): number {
  if (content.length === 0) return 0;
  return content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
}
