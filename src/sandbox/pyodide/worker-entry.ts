/**
 * Where the sandbox's two programs come from: the worker thread (`worker.ts`) and the sandbox host
 * process that runs it (`host-process-main.ts`). Built (`dist/`): the compiled files beside this
 * one. From TypeScript sources (tests, bench): each is bundled once with esbuild (tsx's own
 * transpiler) into the cache directory, keyed by a hash of its sources (registering tsx in each
 * worker cost 0.3-0.5 s, and the host process may read no sources outside its allow-list).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The sources a bundle is keyed by: every non-test TypeScript file of the sandbox folder and this
 * one (a superset of what the two programs import, so no change can leave a stale bundle).
 */
function sourceFiles(here: string): string[] {
  const folders = [here, join(here, "..")];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".case.ts"))
      .sort()
      .map((name) => join(folder, name)),
  );
}

const bundled = new Map<string, Promise<string>>();

const STALE_BUNDLE_MS = 60 * 60 * 1000;

export type Program = "worker" | "host-process-main";

/** The file that runs `program`: built JavaScript beside this file, or a bundle made from sources. */
export function programPath(
  program: Program,
  cacheDirectory: string,
  pyodideModule: string,
): Promise<string> {
  if (!import.meta.url.endsWith(".ts"))
    return Promise.resolve(fileURLToPath(new URL(`./${program}.js`, import.meta.url)));
  let path = bundled.get(program);
  if (path === undefined) {
    path = bundleProgram(program, cacheDirectory, pyodideModule);
    bundled.set(program, path);
    path.catch(() => bundled.delete(program));
  }
  return path;
}

/** Code for `new Worker(code, { eval: true })` that imports the worker module at `path`. */
export function workerBootstrap(path: string): string {
  return `import(${JSON.stringify(pathToFileURL(path).href)});`;
}

async function bundleProgram(
  program: Program,
  cacheDirectory: string,
  pyodideModule: string,
): Promise<string> {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const hash = createHash("sha256").update(pyodideModule).update(program);
  for (const file of sourceFiles(here)) hash.update(readFileSync(file));
  const prefix = `pyodide-${program}-`;
  const path = join(cacheDirectory, `${prefix}${hash.digest("hex").slice(0, 16)}.mjs`);
  if (existsSync(path)) return path;
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(here, `${program}.ts`)],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "pyodide-absolute",
        setup(build) {
          build.onResolve({ filter: /^pyodide$/ }, () => ({ path: pyodideModule, external: true }));
        },
      },
    ],
  });
  const code = result.outputFiles?.[0]?.text;
  if (code === undefined) throw new Error("esbuild produced no output");
  await mkdir(cacheDirectory, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, code, { mode: 0o600 });
  await rename(temporary, path);
  // Bundles of other sources are dead weight once no process is about to import them: an hour on.
  const current = basename(path);
  for (const name of await readdir(cacheDirectory)) {
    if (!name.startsWith(prefix) || !name.endsWith(".mjs") || name === current) continue;
    const other = join(cacheDirectory, name);
    const age = Date.now() - ((await stat(other).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > STALE_BUNDLE_MS) await rm(other, { force: true });
  }
  return path;
}
