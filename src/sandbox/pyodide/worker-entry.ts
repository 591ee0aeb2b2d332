/**
 * Where the worker's code comes from. Built (`dist/`): the compiled `worker.js` beside this file.
 * From TypeScript sources (tests, bench): registering tsx inside each worker costs 0.3-0.5 s, so the
 * worker is bundled once with esbuild (tsx's own transpiler) into the cache directory, keyed by a
 * hash of its sources; tsx registration is the fallback.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const WORKER_SOURCES = [
  "worker.ts",
  "worker-boot.ts",
  "worker-bridge.ts",
  "worker-lockdown.ts",
  "worker-python.ts",
  "messages.ts",
  "host-imports.ts",
  "sealed-require.ts",
];

let bundled: Promise<string> | undefined;

const STALE_BUNDLE_MS = 60 * 60 * 1000;

/** Code for `new Worker(code, { eval: true })` that imports the worker module. */
export function workerBootstrap(cacheDirectory: string, pyodideModule: string): Promise<string> {
  if (!import.meta.url.endsWith(".ts")) {
    return Promise.resolve(`import(${JSON.stringify(new URL("./worker.js", import.meta.url).href)});`);
  }
  bundled ??= bundleWorker(cacheDirectory, pyodideModule).then(
    (path) => `import(${JSON.stringify(pathToFileURL(path).href)});`,
    () => {
      const target = JSON.stringify(new URL("./worker.ts", import.meta.url).href);
      return `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${target}); });`;
    },
  );
  return bundled;
}

async function bundleWorker(cacheDirectory: string, pyodideModule: string): Promise<string> {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const hash = createHash("sha256").update(pyodideModule);
  for (const file of WORKER_SOURCES) hash.update(readFileSync(join(here, file)));
  const path = join(cacheDirectory, `pyodide-worker-${hash.digest("hex").slice(0, 16)}.mjs`);
  if (existsSync(path)) return path;
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(here, "worker.ts")],
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
  await mkdir(cacheDirectory, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, code);
  await rename(temporary, path);
  // Bundles of other sources are dead weight once no process is about to import them: an hour on.
  const current = basename(path);
  for (const name of await readdir(cacheDirectory)) {
    if (!name.startsWith("pyodide-worker-") || !name.endsWith(".mjs") || name === current) continue;
    const other = join(cacheDirectory, name);
    const age = Date.now() - ((await stat(other).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > STALE_BUNDLE_MS) await rm(other, { force: true });
  }
  return path;
}
