/**
 * Layer 1 of the sandbox, at Node's door: the `require` Pyodide's module keeps for itself.
 *
 * `pyodide.asm.mjs` makes its own module-scoped `require` (`createRequire(import.meta.url)`) and
 * reaches Node only through it: `fs` (host files, the host's stdin behind /dev/tty, dlopen's
 * fallback), `child_process` (system()), `ws` (sockets), `crypto` (random bytes), `tty`. Scrubbing globals
 * never touches that closure, so it is replaced at its source: while Pyodide loads, `createRequire`
 * of `node:module` hands out this stub instead. During boot its `fs` reads only files inside the
 * Pyodide package (the standard library, the lock file); once sealed, every call throws
 * `EACCES` with a message that says the sandbox has no host access. Whatever route reaches these
 * objects later — an import the audit missed, an Emscripten helper called through ctypes — ends here.
 */
import nodeModule from "node:module";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const NO_HOST_ACCESS = "the sandbox has no host access";

export function deniedError(what: string): Error {
  return Object.assign(new Error(`${what}: ${NO_HOST_ACCESS}`), { code: "EACCES", errno: -13 });
}

/** A module object whose every function throws (any property read gives such a function). */
function deniedModule(name: string): object {
  return new Proxy(
    {},
    {
      get: (_target, property) => () => {
        throw deniedError(`${name}.${String(property)}`);
      },
    },
  );
}

export interface SealedRequire {
  /** From now on the stub's `fs` refuses every call, reads included. */
  seal(): void;
  /** Puts `createRequire` back; the stub already handed out stays what Pyodide holds. */
  restore(): void;
}

/**
 * Makes `createRequire` (for ESM importers too) return the stub until `restore()`. `packageRoot`: the
 * directory whose files Pyodide may read while booting.
 */
export function installSealedRequire(packageRoot: string): SealedRequire {
  let sealed = false;
  const root = resolve(packageRoot) + sep;
  const realRequire = nodeModule.createRequire(import.meta.url);
  const realFs = realRequire("node:fs") as typeof import("node:fs");
  const pathOf = (file: unknown): string => resolve(file instanceof URL ? fileURLToPath(file) : String(file));
  const checkRead = (file: unknown): string => {
    const path = pathOf(file);
    if (sealed || !path.startsWith(root)) throw deniedError(`reading ${sealed ? "a host file" : path}`);
    return path;
  };
  const fs = new Proxy(
    {},
    {
      get: (_target, property) => {
        if (property === "readFileSync")
          return (file: unknown, options?: unknown) =>
            realFs.readFileSync(checkRead(file), options as BufferEncoding | undefined);
        return () => {
          throw deniedError(`fs.${String(property)}`);
        };
      },
    },
  );
  const crypto = {
    randomFillSync: (realRequire("node:crypto") as typeof import("node:crypto")).randomFillSync,
  };
  const stub = (id: string): unknown => {
    switch (id.replace(/^node:/, "")) {
      case "fs":
        return fs;
      case "crypto":
        return crypto;
      case "path":
        return realRequire("node:path");
      case "url":
        return realRequire("node:url");
      case "tty":
        return { isatty: () => false };
      default:
        return deniedModule(id);
    }
  };
  const original = nodeModule.createRequire;
  nodeModule.createRequire = (() => stub) as unknown as typeof nodeModule.createRequire;
  nodeModule.syncBuiltinESMExports();
  return {
    seal: () => {
      sealed = true;
    },
    restore: () => {
      nodeModule.createRequire = original;
      nodeModule.syncBuiltinESMExports();
    },
  };
}
