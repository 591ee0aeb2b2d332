/**
 * Codebase QA: a real source tree (any directory; default this repository's `src/`) as a
 * `{ path: content }` context, with questions the generator answers from the files themselves:
 * which file declares a name, how many files import a module, which file is the longest.
 */

import { fileURLToPath } from "node:url";
import { createRandom } from "./random.js";
import { declarations, importsByFile, lineCount, readSourceTree } from "./source-tree.js";
import type { BenchQuestion, TaskGenerator } from "./types.js";

export const DEFAULT_SOURCE_DIRECTORY = fileURLToPath(new URL("../../src", import.meta.url));

/** The last two segments of a specifier (`../errors/index.js` -> `errors/index.js`), or the package. */
function specifierTail(specifier: string): string {
  const parts = specifier.split("/").filter((part) => part !== "." && part !== "..");
  return parts.slice(-2).join("/");
}

export const codebaseTask: TaskGenerator = {
  name: "codebase",
  description: "questions over a real source tree, answered from the files (declarations, imports, size)",
  sized: false,
  generate: (options) => {
    const started = performance.now();
    const directory = options.directory ?? DEFAULT_SOURCE_DIRECTORY;
    const files = readSourceTree(directory);
    const random = createRandom(options.seed);
    const questions: BenchQuestion[] = [];

    const unique = [...declarations(files).entries()]
      .filter(([name, paths]) => paths.size === 1 && name.length >= 6)
      .sort(([left], [right]) => left.localeCompare(right));
    const imports = importsByFile(files);
    const tails = new Map<string, number>();
    for (const specifiers of imports.values()) {
      for (const tail of new Set(specifiers.map(specifierTail))) tails.set(tail, (tails.get(tail) ?? 0) + 1);
    }
    const popular = [...tails.entries()]
      .filter(([, count]) => count >= 2)
      .sort(([a], [b]) => a.localeCompare(b));
    const byLength = Object.entries(files)
      .map(([path, content]) => [path, lineCount(content)] as const)
      .sort((left, right) => right[1] - left[1]);

    const total = options.questions ?? 3;
    for (let index = 0; index < total; index++) {
      const kind = index % 3;
      const id = `codebase-${index}`;
      if (kind === 0 && unique.length > 0) {
        const [name, paths] = random.pick(unique);
        questions.push({
          id,
          query: `Which file declares \`${name}\` (a function, class, type, interface or constant)? Answer with the file's path exactly as it appears in the context's keys.`,
          ask: { kind: "declares", name },
          expected: { kind: "exact", value: [...paths][0]! },
        });
      } else if (kind === 1 && popular.length > 0) {
        const [tail] = random.pick(popular);
        const count = [...imports.values()].filter((specifiers) =>
          specifiers.some((specifier) => specifier === tail || specifier.endsWith(`/${tail}`)),
        ).length;
        questions.push({
          id,
          query: `How many files import a module whose specifier ends with "${tail}" (for example "../${tail}")? Answer with a number.`,
          ask: { kind: "imports", tail },
          expected: { kind: "number", value: count },
        });
      } else if (index >= 3 && byLength.length > 1) {
        // Later rounds ask a count over all files instead of repeating the longest file.
        const threshold = byLength[Math.floor(byLength.length / (2 + random.int(3)))]![1];
        questions.push({
          id,
          query: `How many files have more than ${threshold} lines? Answer with a number.`,
          ask: { kind: "longer-than", lines: threshold },
          expected: { kind: "number", value: byLength.filter(([, lines]) => lines > threshold).length },
        });
      } else if (byLength.length === 1 || byLength[0]![1] !== byLength[1]![1]) {
        questions.push({
          id,
          query:
            "Which file has the most lines? Answer with the file's path exactly as it appears in the context's keys.",
          ask: { kind: "longest-file" },
          expected: { kind: "exact", value: byLength[0]![0] },
        });
      }
    }
    const chars = Object.values(files).reduce((sum, content) => sum + content.length, 0);
    return {
      task: "codebase",
      requestedChars: 0,
      chars,
      seed: options.seed,
      context: files,
      questions,
      generationMs: performance.now() - started,
    };
  },
};
