/**
 * Compiles the page with the project's TypeScript into a temp folder, so the browser tests run the
 * page as built from the current sources without touching `dist/`. `--noCheck`: type errors are the
 * project typecheck's business; here only the emitted JavaScript matters (and it is the same).
 */

import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export async function compilePage(): Promise<string> {
  const outDirectory = mkdtempSync(join(tmpdir(), "rlm-viewer-page-"));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const project = fileURLToPath(new URL("../page/tsconfig.json", import.meta.url));
  await promisify(execFile)(process.execPath, [tsc, "-p", project, "--outDir", outDirectory, "--noCheck"]);
  return join(outDirectory, "src", "viewer", "page");
}
