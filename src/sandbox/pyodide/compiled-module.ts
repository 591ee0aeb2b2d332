/**
 * Pyodide's WebAssembly, compiled once per process and shared by every worker. V8 compiles a
 * module's functions lazily with its baseline compiler and tiers the hot ones up to TurboFan, per
 * compiled module: a worker that compiled its own copy ran its first hundreds of execs on baseline
 * code while TurboFan recompiled, on the same cores, what the previous worker had already
 * optimized (measured on 2 cores: exec in a fresh sandbox 1.2 ms, against 0.8 ms in a warm one). A
 * `WebAssembly.Module` posted to a worker shares its code, and holding it here keeps that code
 * alive between sandboxes.
 */
import { readFile } from "node:fs/promises";

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled `pyodide.asm.wasm` of the Pyodide package at `indexURL` (a directory, with a trailing slash). */
export function compiledPyodide(indexURL: string): Promise<WebAssembly.Module> {
  let module = compiled.get(indexURL);
  if (module === undefined) {
    module = readFile(`${indexURL}pyodide.asm.wasm`).then((bytes) => WebAssembly.compile(bytes));
    compiled.set(indexURL, module);
    // A failure is not cached: the worker then compiles its own copy, and the next start retries.
    module.catch(() => compiled.delete(indexURL));
  }
  return module;
}
