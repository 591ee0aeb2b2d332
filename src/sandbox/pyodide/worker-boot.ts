/**
 * Boots Pyodide inside the worker: from the cached memory snapshot when there is one and its digest
 * is the one the host expects (a private Pyodide API, pinned to the installed version: any failure
 * falls back to a plain load), else a plain load that makes a new snapshot for the host to store.
 * The worker never writes the cache: a sandbox that was taken over cannot plant a snapshot that the
 * next run would boot from.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { loadPyodide as load, type PyodideAPI } from "pyodide";
import { checkAfterInterop, denyHostImports } from "./host-imports.js";
import type { StartInfo, WorkerInit } from "./messages.js";
import { checkJsBuffers } from "./worker-lockdown.js";
import { SNAPSHOT_WARMUP } from "./worker-python.js";

type LoadOptions = NonNullable<Parameters<typeof load>[0]>;

export interface BootResult {
  pyodide: PyodideAPI;
  info: StartInfo;
  /** A snapshot made at this boot, for the host to store. */
  snapshot?: Uint8Array;
}

export async function bootPyodide(init: WorkerInit, output: Pick<LoadOptions, "stdout" | "stderr">) {
  const started = performance.now();
  const loadPyodide = (options: LoadOptions) => withCompiledModule(init.wasmModule, () => load(options));
  // Python sees only this object as `js`: nothing of the host's globals.
  const base: LoadOptions = {
    indexURL: init.indexURL,
    jsglobals: {},
    env: { HOME: "/home/pyodide" },
    packages: [],
    checkAPIVersion: true,
    ...output,
  };
  const finish = (
    pyodide: PyodideAPI,
    info: Omit<StartInfo, "loadMs">,
    snapshot?: Uint8Array,
  ): BootResult => ({
    pyodide,
    info: { ...info, loadMs: Math.round(performance.now() - started) },
    ...(snapshot ? { snapshot } : {}),
  });
  if (init.snapshot === undefined) return finish(await loadPyodide(base), { snapshot: "off" });

  let snapshotError: string | undefined;
  const { digest } = init.snapshot;
  const cached = digest === undefined ? undefined : await readFile(init.snapshot.path).catch(() => undefined);
  if (cached !== undefined && createHash("sha256").update(cached).digest("hex") !== digest) {
    snapshotError = "the cached snapshot's digest did not match its record: rebuilt";
  } else if (cached !== undefined) {
    try {
      return finish(await loadPyodide({ ...base, _loadSnapshot: handOnce(cached) }), { snapshot: "loaded" });
    } catch (error) {
      snapshotError = `snapshot load failed: ${String(error)}`;
    }
  }
  let pyodide: PyodideAPI;
  try {
    pyodide = await loadPyodide({ ...base, _makeSnapshot: true });
  } catch (error) {
    snapshotError = `${snapshotError ? `${snapshotError}; ` : ""}snapshot-ready load failed: ${String(error)}`;
    return finish(await loadPyodide(base), { snapshot: "failed", snapshotError });
  }
  try {
    pyodide.runPython(SNAPSHOT_WARMUP);
    const made = pyodide.makeMemorySnapshot();
    return finish(pyodide, { snapshot: "made", ...(snapshotError ? { snapshotError } : {}) }, made);
  } catch (error) {
    // A snapshot that cannot be made costs the next start time, nothing else.
    snapshotError = `${snapshotError ? `${snapshotError}; ` : ""}snapshot not made: ${String(error)}`;
    return finish(pyodide, { snapshot: "failed", snapshotError });
  }
}

/**
 * Runs `loadPyodide` with its WebAssembly imports locked (host-imports.ts) and, when the host
 * compiled one (see compiled-module.ts), with that module standing in for the binary Pyodide reads
 * and compiles: its first `WebAssembly.instantiate` of bytes (the interpreter; its small helper
 * module comes as a Module) gets an instance of `module` instead.
 */
async function withCompiledModule<T>(
  module: WebAssembly.Module | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const original = WebAssembly.instantiate;
  const substitute = (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
    if (source instanceof WebAssembly.Module) return original(source, imports);
    WebAssembly.instantiate = original;
    denyHostImports(imports);
    checkAfterInterop(imports, checkJsBuffers);
    if (module === undefined) return original(source, imports);
    return original(module, imports).then((instance) => ({ instance, module }));
  };
  WebAssembly.instantiate = substitute as typeof WebAssembly.instantiate;
  try {
    return await run();
  } finally {
    WebAssembly.instantiate = original;
  }
}

/**
 * The snapshot's bytes (~30 MB) as a thenable that gives them up once read: Pyodide keeps its
 * options object for the worker's life, and a plain buffer there would never be freed.
 */
function handOnce(cached: Buffer): PromiseLike<Uint8Array> {
  let bytes: Uint8Array | undefined = new Uint8Array(cached.buffer, cached.byteOffset, cached.byteLength);
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, read once by Pyodide's await
    then(resolve) {
      const taken = bytes ?? new Uint8Array();
      bytes = undefined;
      return Promise.resolve(taken).then(resolve);
    },
  } as PromiseLike<Uint8Array>;
}
