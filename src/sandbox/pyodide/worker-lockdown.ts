/**
 * Worker-side lockdown, applied around Pyodide's load. Each step closes an escape route measured on
 * Pyodide 314 / Node 20 (see DESIGN.md "Sandbox runtimes"); none of them is an audited boundary.
 */
import type { PyodideAPI } from "pyodide";

const PAGE_BYTES = 65_536;

/**
 * Worker `resourceLimits` do not cover WebAssembly memory, so the cap is enforced where the heap
 * grows: Emscripten's `growMemory` catches the RangeError and malloc fails, which Python turns into
 * a clean `MemoryError`. Must run before Pyodide instantiates its module.
 */
interface GrowableMemory {
  buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export function capWebAssemblyMemory(memoryMb: number): void {
  const capBytes = memoryMb * 1024 * 1024;
  // The project's lib settings carry no WebAssembly types; this is the one member used.
  const memoryPrototype = (
    globalThis as unknown as { WebAssembly: { Memory: { prototype: GrowableMemory } } }
  ).WebAssembly.Memory.prototype;
  const grow = memoryPrototype.grow;
  memoryPrototype.grow = function cappedGrow(this: GrowableMemory, deltaPages: number) {
    if (this.buffer.byteLength + deltaPages * PAGE_BYTES > capBytes) {
      throw new RangeError(`sandbox memory cap of ${memoryMb} MB reached`);
    }
    return grow.call(this, deltaPages);
  };
}

/** ECMAScript builtins plus the few host objects Pyodide needs at run time; everything else goes. */
const KEPT_GLOBALS = new Set([
  ...["Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Date", "Promise"],
  ...["RegExp", "Error", "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError"],
  ...["TypeError", "URIError", "globalThis", "JSON", "Math", "Intl", "Reflect", "Proxy", "Map", "Set"],
  ...["WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "ArrayBuffer", "SharedArrayBuffer"],
  ...["DataView", "Atomics", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array"],
  ...["Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"],
  ...["parseFloat", "parseInt", "isFinite", "isNaN", "Infinity", "NaN", "undefined", "Iterator"],
  ...["encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape"],
  ...["WebAssembly", "performance", "crypto", "TextEncoder", "TextDecoder", "queueMicrotask"],
  ...["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate"],
  ...["structuredClone", "MessageChannel", "MessagePort", "AbortController", "AbortSignal", "Event"],
  ...["EventTarget", "DOMException", "console"],
]);

/**
 * Removes host powers from the worker's global object (`process`, `require`, which Pyodide itself
 * put there with `child_process` behind it, `fetch`, `WebSocket`, `BroadcastChannel`, `eval`...)
 * and the `.constructor` links from function prototypes, so no JS proxy leads to `Function`.
 * Code generation from strings is already off in this realm; this is the second wall.
 */
export function scrubGlobals(): string[] {
  const removed: string[] = [];
  for (const name of Reflect.ownKeys(globalThis)) {
    if (typeof name !== "string" || KEPT_GLOBALS.has(name)) continue;
    if (Reflect.deleteProperty(globalThis, name)) removed.push(name);
    else Reflect.defineProperty(globalThis, name, { value: undefined });
  }
  const functionKinds = [function plain() {}, async function asynchronous() {}, function* generator() {}];
  functionKinds.push(async function* asyncGenerator() {});
  for (const example of functionKinds) Reflect.deleteProperty(Object.getPrototypeOf(example), "constructor");
  return removed;
}

interface MemoryFileSystem {
  getFileDataAsTypedArray(node: unknown): Uint8Array;
  expandFileStorage(node: unknown, newCapacity: number): void;
  resizeFileStorage(node: unknown, newSize: number): void;
}

interface EmscriptenInternals {
  SOCKFS: { createSocket: unknown };
  FS: {
    filesystems: Record<string, unknown> & { MEMFS: MemoryFileSystem };
    ErrnoError: new (errno: number) => Error;
  };
  ERRNO_CODES: Record<string, number>;
}

/**
 * Closes Pyodide's own doors: sockets (Pyodide turns them into real connections and real listening
 * ports), host filesystem mounts, and the `pyodide_js` module (the whole JS API, from which the two
 * others are one call away).
 */
export function lockPyodide(pyodide: PyodideAPI, memoryMb: number): void {
  const internals = (pyodide as unknown as { _module: EmscriptenInternals })._module;
  const { FS, ERRNO_CODES, SOCKFS } = internals;
  const denied = ERRNO_CODES.EACCES ?? 2;
  Object.defineProperty(SOCKFS, "createSocket", {
    value: () => {
      throw new FS.ErrnoError(denied);
    },
    writable: false,
    configurable: false,
  });
  for (const name of ["NODEFS", "NODESOCKFS", "NATIVEFS_ASYNC", "PROXYFS", "WORKERFS"]) {
    delete FS.filesystems[name];
  }
  capFileSizes(internals, memoryMb);
  pyodide.unregisterJsModule("pyodide_js");
  pyodide.runPython(
    `
import sys
for _name in [name for name in sys.modules if name == "pyodide_js" or name.startswith("pyodide_js.")]:
    del sys.modules[_name]
for _module in list(sys.modules.values()):
    if getattr(_module, "pyodide_js", None) is not None:
        try:
            delattr(_module, "pyodide_js")
        except Exception:
            pass
del _module, _name
`,
    { globals: pyodide.globals.get("dict")() },
  );
}

/**
 * Files in Pyodide's in-memory filesystem live in the worker's JS heap, outside the WebAssembly cap:
 * one file may not outgrow the cap either (ENOSPC, an OSError in Python). Growth doubles (Emscripten
 * grows big files by 1/8, copying each time: writing 1 GB took minutes).
 */
function capFileSizes({ FS, ERRNO_CODES }: EmscriptenInternals, memoryMb: number): void {
  const capBytes = memoryMb * 1024 * 1024;
  const noSpace = ERRNO_CODES.ENOSPC ?? 51;
  const memfs = FS.filesystems.MEMFS;
  const resize = memfs.resizeFileStorage.bind(memfs);
  memfs.expandFileStorage = (node, newCapacity) => {
    const file = node as { contents: Uint8Array | null };
    const previous = file.contents?.length ?? 0;
    if (previous >= newCapacity) return;
    if (newCapacity > capBytes) throw new FS.ErrnoError(noSpace);
    const grown = new Uint8Array(Math.min(capBytes, Math.max(newCapacity, previous * 2, 256)));
    grown.set(memfs.getFileDataAsTypedArray(node));
    file.contents = grown;
  };
  memfs.resizeFileStorage = (node, newSize) => {
    if (newSize > capBytes) throw new FS.ErrnoError(noSpace);
    resize(node, newSize);
  };
}
