/**
 * The import arrows that docs/architecture.md ("Import arrows") states, enforced over every file
 * under src/ that is not test code (tests, the shared `*.case.ts` suites, `*.test-support.ts` and
 * `__fixtures__/` may cross folders, as the map says). Imports are read with the TypeScript
 * parser, so comments and strings that look like imports are not counted: `import` and
 * `export ... from` declarations, `import("...")` calls and `import("...")` types. A relative
 * specifier is resolved to its file under src/; its *unit* is the first part of that path (a folder
 * such as `models`, or the package root `index.ts`). A failure lists each offending file with the
 * import it must not have.
 */

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

interface Import {
  /** The importing file, relative to src/ (`models/types.ts`). */
  file: string;
  /** As written (`./model-config.js`). */
  specifier: string;
  /** The imported file relative to src/ (`models/model-config.ts`), `../...` outside it; undefined for a package. */
  target: string | undefined;
  /**
   * `import type` / `export type` / an `import("...")` type: erased from the JavaScript. Under
   * `verbatimModuleSyntax`, `import { type A }` is not: it still loads the module.
   */
  typeOnly: boolean;
}

const toPosix = (path: string) => path.split(sep).join("/");

/** Test code, which may cross folders: what the package leaves out (package.json `files`). */
function isTestCode(file: string): boolean {
  return /\.(test|case|test-support)\.ts$/.test(file) || file.split("/").includes("__fixtures__");
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [toPosix(relative(SRC, path))] : [];
  });
}

function resolveTarget(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const path = toPosix(relative(SRC, resolve(SRC, dirname(file), specifier)));
  return path.replace(/\.js$/, ".ts");
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (specifier: ts.Node | undefined, typeOnly: boolean) => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return; // import(variable): a package
    found.push({ file, specifier: specifier.text, target: resolveTarget(file, specifier.text), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly === true);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `models` for `models/pool/usage.ts`, `index.ts` for the package root, `..` outside src/. */
const unitOf = (path: string) => path.split("/")[0]!;

const where = (target: string | undefined) =>
  target === undefined ? "a package" : posix.normalize(`src/${target}`);
/** `src/viewer/page/main.ts imports ../../trace/read-trajectory.js (src/trace/read-trajectory.ts)` */
const show = (imported: Import) =>
  `src/${imported.file} imports ${imported.specifier} (${where(imported.target)})`;

const FILES = sourceFiles(SRC).filter((file) => !isTestCode(file));
const IMPORTS = FILES.flatMap(importsOf);
/** Imports of a file under src/ from another unit (or from outside src/). */
const CROSSING = IMPORTS.filter(
  (imported): imported is Import & { target: string } =>
    imported.target !== undefined && unitOf(imported.target) !== unitOf(imported.file),
);

/**
 * The map's diagram: the units each unit imports besides `errors` (which all may import), with the
 * files allowed where the map names them in brackets (`sandbox(types)`). Change the two together.
 */
const ARROWS: Record<string, Record<string, "any" | string[]>> = {
  cli: {
    batch: "any",
    server: "any",
    mcp: "any",
    demo: "any",
    viewer: "any",
    config: "any",
    inputs: "any",
    rlm: "any",
    models: "any",
    sandbox: "any",
    trace: "any",
  },
  "index.ts": { rlm: "any", models: "any", sandbox: "any", budget: "any", trace: "any", viewer: "any" },
  server: {
    rlm: "any",
    models: "any",
    sandbox: ["sandbox/types.ts"],
    inputs: "any",
    budget: "any",
    trace: "any",
    net: "any",
  },
  "ai-sdk": {
    rlm: "any",
    inputs: "any",
    models: "any",
    budget: "any",
    sandbox: ["sandbox/types.ts"],
    trace: ["trace/types.ts"],
  },
  batch: {
    rlm: "any",
    inputs: "any",
    models: ["models/pool/index.ts", "models/types.ts"],
    server: ["server/chat-request.ts", "server/completion-response.ts"],
    sandbox: ["sandbox/types.ts"],
    trace: ["trace/types.ts"],
  },
  demo: { models: ["models/types.ts"] },
  mcp: {
    rlm: ["rlm/types.ts", "rlm/prompts.ts", "rlm/run-error.ts"],
    inputs: "any",
    trace: ["trace/types.ts"],
  },
  rlm: { models: "any", sandbox: "any", budget: "any", trace: "any", replay: "any" },
  config: {
    models: ["models/backend.ts", "models/backends.ts"],
    sandbox: ["sandbox/runtimes.ts"],
    inputs: ["inputs/input-limit.ts"],
    budget: "any",
  },
  viewer: { trace: "any", net: "any", replay: ["replay/compare-runs.ts"] },
  replay: { trace: "any", models: ["models/types.ts"], sandbox: ["sandbox/types.ts"] },
  budget: { models: ["models/types.ts"], trace: ["trace/types.ts"] },
  inputs: { sandbox: ["sandbox/types.ts", "sandbox/context-file.ts"] },
  trace: { models: ["models/types.ts"] },
  models: {},
  sandbox: {},
  net: {},
  errors: {},
};

describe("the import arrows of docs/architecture.md", () => {
  it("reads every kind of import it checks", () => {
    const find = (file: string, target: string) =>
      IMPORTS.find((imported) => imported.file === file && imported.target === target);
    expect(FILES.length).toBeGreaterThan(100);
    expect(find("rlm/node.ts", "models/types.ts")?.typeOnly).toBe(true); // import type
    expect(find("index.ts", "rlm/index.ts")?.typeOnly).toBe(false); // export ... from
    expect(find("sandbox/runtimes.ts", "sandbox/process/index.ts")?.typeOnly).toBe(false); // import()
    expect(find("models/llamacpp/sequence-pool.ts", "models/llamacpp/load-library.ts")?.typeOnly).toBe(true);
    expect(FILES).not.toContain("architecture.test.ts");
  });

  it("every arrow between units is one the map's diagram draws", () => {
    const undrawn = CROSSING.filter((imported) => {
      const target = unitOf(imported.target);
      if (target === "errors" || target === "..") return false; // errors: everyone's; outside src/: below
      const allowed = ARROWS[unitOf(imported.file)]?.[target];
      return allowed === undefined || (allowed !== "any" && !allowed.includes(imported.target));
    });
    expect(undrawn.map(show), "an arrow docs/architecture.md does not draw").toEqual([]);
    const units = new Set(FILES.map(unitOf));
    expect(
      [...units].filter((unit) => ARROWS[unit] === undefined),
      "a unit the map does not know",
    ).toEqual([]);
  });

  it("models and sandbox import no other folder but errors", () => {
    const forbidden = CROSSING.filter(
      (imported) =>
        ["models", "sandbox"].includes(unitOf(imported.file)) && unitOf(imported.target) !== "errors",
    );
    expect(forbidden.map(show), "models and sandbox may import only src/errors").toEqual([]);
  });

  it("src/models/types.ts reaches no backend, directly or through what it imports", () => {
    // A backend: a folder of src/models with a backend.ts, or the registry that imports them all.
    const backendFolders = new Set(
      FILES.filter((file) => /^models\/[^/]+\/backend\.ts$/.test(file)).map((file) => dirname(file)),
    );
    expect(backendFolders.size).toBeGreaterThan(0);
    const isBackend = (file: string) => file === "models/backends.ts" || backendFolders.has(dirname(file));
    const reached: string[] = [];
    const seen = new Set(["models/types.ts"]);
    const queue: { file: string; via: string[] }[] = [{ file: "models/types.ts", via: [] }];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const imported of IMPORTS.filter((candidate) => candidate.file === next.file)) {
        if (imported.target === undefined || seen.has(imported.target)) continue;
        seen.add(imported.target);
        const via = [...next.via, show(imported)];
        if (isBackend(imported.target)) reached.push(via.join(", then "));
        else queue.push({ file: imported.target, via });
      }
    }
    expect(reached, "src/models/types.ts holds types only and names no backend").toEqual([]);
  });

  it("src/sandbox/types.ts imports only the runtime names, as a type, from runtimes.ts", () => {
    const other = IMPORTS.filter(
      (imported) =>
        imported.file === "sandbox/types.ts" &&
        !(imported.target === "sandbox/runtimes.ts" && imported.typeOnly),
    );
    expect(other.map(show), "src/sandbox/types.ts holds types only").toEqual([]);
  });

  it("nothing below the engine imports rlm, cli, server, mcp, ai-sdk, viewer, config or the package root", () => {
    const below = ["models", "sandbox", "budget", "trace", "errors", "net", "replay", "inputs"];
    // src/index.ts re-exports rlm, so importing it would import rlm.
    const above = ["rlm", "cli", "server", "mcp", "ai-sdk", "demo", "viewer", "config", "index.ts"];
    const forbidden = CROSSING.filter(
      (imported) => below.includes(unitOf(imported.file)) && above.includes(unitOf(imported.target)),
    );
    expect(forbidden.map(show), `${below.join(", ")} must not import ${above.join(", ")}`).toEqual([]);
  });

  it("the viewer page imports from src/trace only types.ts (import type) and split-runs.ts, from src/replay only compare-runs.ts", () => {
    const forbidden = CROSSING.filter(
      (imported) =>
        imported.file.startsWith("viewer/page/") &&
        !(imported.target === "trace/types.ts" && imported.typeOnly) &&
        imported.target !== "trace/split-runs.ts" &&
        imported.target !== "replay/compare-runs.ts",
    );
    expect(
      forbidden.map(show),
      "the page has no dependencies: trace/types.ts as types, trace/split-runs.ts, replay/compare-runs.ts",
    ).toEqual([]);
  });

  it("only test code imports from outside src/ (test/, bench/)", () => {
    const forbidden = CROSSING.filter((imported) => unitOf(imported.target) === "..");
    expect(forbidden.map(show), "src/ must not depend on the test and bench helpers").toEqual([]);
  });
});
