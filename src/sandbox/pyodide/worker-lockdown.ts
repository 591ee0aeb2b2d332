/**
 * Worker-side lockdown, applied around Pyodide's load. Each step closes an escape route measured on
 * Pyodide 314 / Node 20 (see SECURITY.md "The `pyodide` sandbox (default)", layer 1); none of them is
 * an audited boundary.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import { constants as fsConstants } from "node:fs";
import net from "node:net";
import { constants as osConstants } from "node:os";
import tls from "node:tls";
import { getHeapStatistics } from "node:v8";
import type { PyodideAPI } from "pyodide";

const PAGE_BYTES = 65_536;

/**
 * Bytes held by the in-memory filesystem's files (they live in the worker's JS heap, outside the
 * WebAssembly memory): the cap is for the two together, so neither can grow past what the other left.
 */
let fileBytes = 0;
let capBytesInForce = Number.POSITIVE_INFINITY;
let heapBytes = () => 0;
/**
 * V8's external memory at boot, less the WebAssembly heap then: what the sandbox's own buffers add
 * to it is not the model's code's doing. Undefined before boot.
 */
let bootOtherExternalBytes: number | undefined;

/**
 * JS buffers Python makes through proxies (`Uint8Array.new(n)`, `to_js` copies) live outside the
 * WebAssembly heap and the JS heap's own limit. V8 counts them as the isolate's external memory,
 * with the WebAssembly heap and the files: past boot, that total stays under the one cap. Checked
 * after each call from Python into JavaScript (host-imports.ts), where such a buffer can appear.
 */
export function startJsBufferAccounting(usageBuffer: SharedArrayBuffer): void {
  bootOtherExternalBytes = getHeapStatistics().external_memory - heapBytes();
  usage = new Float64Array(usageBuffer);
  publishUsage();
}

/** Where the sandbox host process reads what this worker holds (to end the right one when over). */
let usage: Float64Array | undefined;

/** The heap, files and JS buffers this sandbox holds now, published for the host process. */
function publishUsage(): number {
  if (bootOtherExternalBytes === undefined) return 0;
  const used = getHeapStatistics().external_memory - bootOtherExternalBytes;
  if (usage !== undefined) usage[0] = used;
  return used;
}

export function checkJsBuffers(): void {
  const used = publishUsage();
  if (used > capBytesInForce) {
    throw new RangeError(
      `sandbox memory cap of ${Math.round(capBytesInForce / 1024 / 1024)} MB reached (the heap, files and JavaScript buffers together): MemoryError`,
    );
  }
}

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
  capBytesInForce = capBytes;
  // The project's lib settings carry no WebAssembly types; this is the one member used.
  const memoryPrototype = (
    globalThis as unknown as { WebAssembly: { Memory: { prototype: GrowableMemory } } }
  ).WebAssembly.Memory.prototype;
  const grow = memoryPrototype.grow;
  memoryPrototype.grow = function cappedGrow(this: GrowableMemory, deltaPages: number) {
    heapBytes = () => this.buffer.byteLength;
    if (this.buffer.byteLength + deltaPages * PAGE_BYTES + fileBytes > capBytes) {
      throw new RangeError(`sandbox memory cap of ${memoryMb} MB reached`);
    }
    return grow.call(this, deltaPages);
  };
}

/**
 * Under the permission model `process.binding` throws, and Emscripten's NODEFS (which the lockdown
 * removes after boot) reads its open flags from `process.binding("constants")` while Pyodide starts:
 * those constants, from the public API, and nothing else.
 */
export function shimProcessBinding(): void {
  const constants = { fs: fsConstants, os: osConstants };
  (process as unknown as { binding: (name: string) => unknown }).binding = (name: string) => {
    if (name === "constants") return constants;
    throw new Error(`process.binding(${JSON.stringify(name)}): the sandbox has no host access`);
  };
}

/**
 * Sockets refused in the runtime, for a host without bubblewrap (where the process has a network):
 * the worker's own `net`, `tls`, `dgram` and `dns` modules — the ones Pyodide's socket code would
 * load — connect, listen, send and resolve nothing.
 */
export function refuseSockets(): void {
  const refuse = (what: string) =>
    function refused(): never {
      throw Object.assign(new Error(`${what}: the sandbox has no network`), { code: "EACCES" });
    };
  const patch = (target: object, names: string[], owner: string) => {
    for (const name of names) Object.defineProperty(target, name, { value: refuse(`${owner}.${name}`) });
  };
  patch(net.Socket.prototype, ["connect"], "net.Socket");
  patch(net.Server.prototype, ["listen"], "net.Server");
  patch(net, ["connect", "createConnection", "createServer"], "net");
  patch(tls, ["connect", "createServer"], "tls");
  patch(dgram.Socket.prototype, ["bind", "send", "connect"], "dgram.Socket");
  patch(dgram, ["createSocket"], "dgram");
  patch(dns, ["lookup", "resolve", "resolve4", "resolve6"], "dns");
  patch(dns.promises, ["lookup", "resolve", "resolve4", "resolve6"], "dns.promises");
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
  // A JS error's stack names host files (`file:///home/.../pyodide.asm.mjs`), and Python sees it as
  // `JsException.js_error.stack`: no frames at all, and no way for Python (which can reach `Error`
  // through a caught error's constructor) to turn them back on.
  for (const [name, value] of [
    ["stackTraceLimit", 0],
    ["prepareStackTrace", undefined],
  ] as const) {
    Object.defineProperty(Error, name, { value, writable: false, configurable: false });
  }
  return removed;
}

interface DirectoryOperations {
  unlink(parent: unknown, name: string): void;
  rename(node: unknown, newDirectory: unknown, newName: string): void;
}

interface FileStreamOperations {
  write(
    stream: { node: unknown },
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    canOwn?: boolean,
  ): number;
}

interface MemoryFileSystem {
  /** Made when the first node is created (at boot); directories' operations come from here. */
  ops_table?: { dir: { node: DirectoryOperations }; file: { stream: FileStreamOperations } };
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
import os as _os, posix as _posix
def _no_host_process(*args, **kwargs):
    raise PermissionError("the sandbox has no host access: it cannot run host commands")
for _owner in (_os, _posix):
    for _name in ("system", "popen"):
        if hasattr(_owner, _name):
            setattr(_owner, _name, _no_host_process)
del _os, _posix, _owner, _name
# Nothing runs between calls: asyncio's loop here schedules Python on the worker's JS event loop,
# where it would run after its exec returned, outside every timeout.
import pyodide.webloop as _webloop
def _no_background(*args, **kwargs):
    raise RuntimeError("the sandbox runs no code between calls: asyncio callbacks and timers are not available")
_webloop.scheduleCallback = _no_background
del _webloop, _no_background
`,
    { globals: pyodide.globals.get("dict")() },
  );
}

interface FileNode {
  contents: Uint8Array | null;
}

interface DirectoryNode {
  contents: Record<string, FileNode>;
}

/**
 * Files in Pyodide's in-memory filesystem live in the worker's JS heap, outside the WebAssembly
 * memory: all files together and the heap together stay under the cap (ENOSPC, an OSError in
 * Python). Growth doubles (Emscripten grows big files by 1/8, copying each time: writing 1 GB took
 * minutes). Each file's storage is counted from its capacity, and uncounted when it is unlinked or
 * replaced by a rename.
 */
function capFileSizes({ FS, ERRNO_CODES }: EmscriptenInternals, memoryMb: number): void {
  const capBytes = memoryMb * 1024 * 1024;
  capBytesInForce = Math.min(capBytesInForce, capBytes);
  const noSpace = ERRNO_CODES.ENOSPC ?? 51;
  const memfs = FS.filesystems.MEMFS;
  const counted = new Map<FileNode, number>();
  const setCount = (node: FileNode, bytes: number) => {
    const previous = counted.get(node) ?? 0;
    // Every write lands here: most leave the storage as it was, and need no new figure.
    if (bytes === previous) return;
    fileBytes += bytes - previous;
    if (bytes > 0) counted.set(node, bytes);
    else counted.delete(node);
    publishUsage();
  };
  const ensureRoom = (node: FileNode, bytes: number) => {
    const growth = bytes - (counted.get(node) ?? 0);
    if (growth > 0 && heapBytes() + fileBytes + growth > capBytesInForce) throw new FS.ErrnoError(noSpace);
  };
  const resize = memfs.resizeFileStorage.bind(memfs);
  memfs.expandFileStorage = (node, newCapacity) => {
    const file = node as FileNode;
    const previous = file.contents?.length ?? 0;
    if (previous >= newCapacity) return;
    if (newCapacity > capBytes) throw new FS.ErrnoError(noSpace);
    const size = Math.min(capBytes, Math.max(newCapacity, previous * 2, 256));
    ensureRoom(file, size);
    const grown = new Uint8Array(size);
    grown.set(memfs.getFileDataAsTypedArray(node));
    file.contents = grown;
    setCount(file, size);
  };
  memfs.resizeFileStorage = (node, newSize) => {
    if (newSize > capBytes) throw new FS.ErrnoError(noSpace);
    ensureRoom(node as FileNode, newSize);
    resize(node, newSize);
    setCount(node as FileNode, (node as FileNode).contents?.length ?? 0);
  };
  // A write to an empty file at offset 0 stores a copy of the data without growing the file
  // through the two functions above: count every write, before (room) and after (the new size).
  const fileStream = memfs.ops_table?.file.stream;
  if (fileStream !== undefined) {
    const write = fileStream.write;
    fileStream.write = (stream, buffer, offset, length, position, canOwn) => {
      const node = stream.node as FileNode;
      if (position + length > capBytes) throw new FS.ErrnoError(noSpace);
      ensureRoom(node, position + length);
      const written = write(stream, buffer, offset, length, position, canOwn);
      setCount(node, node.contents?.length ?? 0);
      return written;
    };
  }
  const directoryOperations = memfs.ops_table?.dir.node;
  if (directoryOperations === undefined) return;
  const { unlink, rename } = directoryOperations;
  directoryOperations.unlink = (parent, name) => {
    const node = (parent as DirectoryNode).contents[name];
    unlink(parent, name);
    if (node !== undefined) setCount(node, 0);
  };
  directoryOperations.rename = (node, newDirectory, newName) => {
    const replaced = (newDirectory as DirectoryNode).contents[newName];
    rename(node, newDirectory, newName);
    if (replaced !== undefined && replaced !== node) setCount(replaced, 0);
  };
}
