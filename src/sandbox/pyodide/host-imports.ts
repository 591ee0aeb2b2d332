/**
 * Layer 1 of the sandbox, at the WebAssembly boundary: what each import of Pyodide's module may do.
 *
 * Python reaches JavaScript only through the imports of `pyodide.asm.wasm` (ctypes can call any C
 * function of the module, and the C library calls these imports). Which of them reach the host was
 * found from Pyodide's source, not guessed: `test/audit/pyodide-host-reach.ts` parses
 * `pyodide.asm.mjs`, builds the call graph of its top-level functions and objects, and marks every
 * import from which a host power (`require`, `fs`, the file readers built on it, `eval`, `fetch`,
 * `XMLHttpRequest`, `WebSocket`, `process`...) can be reached; its test fails when an import it marks
 * is not listed here, so a Pyodide upgrade cannot add a route silently.
 *
 * - `DENIED_IMPORTS` are replaced before instantiation by functions that do nothing on the host and
 *   return the C failure value (`-EACCES` for a syscall: `PermissionError` in Python).
 * - `SEALED_IMPORTS` reach the host only through the module's own `require` (its `fs`), which
 *   `sealed-require.ts` turns into a stub that refuses everything once Pyodide has booted.
 * - `HARMLESS_IMPORTS` touch a host object without a host effect (a version string, random bytes).
 */

/** Emscripten's errno for "permission denied" (its own numbering, not Linux's). */
const EACCES = 2;

const nothing = () => undefined;
const failed = () => -1;
const nullPointer = () => 0;

/** Import name -> its replacement. Each comment says what the original did. */
export const DENIED_IMPORTS: Readonly<Record<string, (...args: number[]) => number | undefined>> = {
  // system(): child_process.spawnSync(command, { shell: true }) on the host.
  _emscripten_system: failed,
  // eval() of a C string in the host realm.
  emscripten_run_script: nothing,
  emscripten_run_script_int: nullPointer,
  emscripten_run_script_string: nullPointer,
  emscripten_async_run_script: nothing,
  // Reads a host file (or URL) and evaluates it as a script.
  emscripten_async_load_script: nothing,
  // Copy a host file or URL into the virtual filesystem or memory.
  emscripten_async_wget: nothing,
  emscripten_async_wget_data: nothing,
  emscripten_async_wget2: failed,
  emscripten_async_wget2_data: failed,
  emscripten_run_preload_plugins: failed,
  emscripten_run_preload_plugins_data: nothing,
  // WebSockets to any host.
  emscripten_websocket_is_supported: nullPointer,
  emscripten_websocket_new: failed,
  // Sockets become real connections and listening ports (SOCKFS over `ws`).
  __syscall_socket: () => -EACCES,
  // process.umask() changes the whole host process's umask.
  __syscall_umask_js: () => 0o022,
  // process.getuid() tells the host user.
  __syscall_getuid32_js: () => 1000,
};

/**
 * Their only host reach is the module's `require` and the `fs` it loaded (host files, the host's
 * stdin through /dev/tty, dlopen's fallback to a host path): sealed after boot (sealed-require.ts).
 */
export const SEALED_IMPORTS: readonly string[] = [
  "_dlopen_js",
  "_emscripten_dlopen_js",
  "_dlsym_js",
  "_dlsym_catchup_js",
  "_emscripten_fs_load_embedded_files",
  "emscripten_set_up_async_input_device_js",
  "JsvBuffer_intoFile",
  "JsvBuffer_readFromFile",
  "JsvBuffer_writeToFile",
  "_mmap_js",
  "_msync_js",
  "_munmap_js",
  // Socket helpers: no socket can exist (`__syscall_socket` is denied), and `ws` is sealed.
  "_maybe_connect_async",
  "_maybe_poll_async",
  "_maybe_recvfrom_async",
  "_maybe_sendto_async",
  "_try_fcntl64",
  "_try_shutdown",
  // Run fixed snippets compiled into Pyodide (ASM_CONSTS), never code from a string.
  "emscripten_asm_const_async_on_main_thread",
  "emscripten_asm_const_double",
  "emscripten_asm_const_double_sync_on_main_thread",
  "emscripten_asm_const_int",
  "emscripten_asm_const_int_sync_on_main_thread",
  "emscripten_asm_const_ptr",
  "emscripten_asm_const_ptr_sync_on_main_thread",
  "pyodide_js_init",
];

/** Prefixes of the virtual filesystem's syscalls, sealed like the list above (the `FS` object). */
export const SEALED_PREFIXES: readonly string[] = ["__syscall_", "fd_"];

/** Touch a host object without a host effect. */
export const HARMLESS_IMPORTS: readonly string[] = [
  // crypto.randomFillSync into a buffer: the only `node:crypto` member the sealed require keeps.
  "random_get",
  // process.versions, read once at start for sys._emscripten_info.
  "_Py_emscripten_runtime",
  // Function.prototype.apply on a JS function Python already holds; no code from strings.
  "JsvFunction_CallBound",
];

/**
 * The imports through which one call from Python can make a JavaScript buffer of any size: calling
 * or constructing a JS function (`Uint8Array.new(n)`), calling a method (`.slice`, `.fill`), and
 * converting a Python buffer (`to_js(bytes)`). JS arrays and objects live in the worker's JS heap,
 * which has its own limit; per-element conversions are left alone (a million of them per `to_js`).
 */
const JS_INTEROP = /^(JsvFunction_|JsvObject_CallMethod|_python2js_buffer|raw_call_js|ffi_call_js)/;

/**
 * Wraps the interop imports so `check` runs after each; a throw there becomes a Python exception
 * (these imports propagate JS errors to Python). `sig` is kept, as in `denyHostImports`.
 */
export function checkAfterInterop(imports: WebAssembly.Imports | undefined, check: () => void): void {
  for (const namespace of Object.values(imports ?? {}) as Record<string, unknown>[]) {
    for (const [name, original] of Object.entries(namespace)) {
      if (!JS_INTEROP.test(name) || typeof original !== "function") continue;
      const call = original as (...args: unknown[]) => unknown;
      const checked = function (this: unknown, ...args: unknown[]) {
        const result = call.apply(this, args);
        check();
        return result;
      };
      namespace[name] = Object.assign(checked, { sig: (original as { sig?: string }).sig });
    }
  }
}

/** How an import of the module is treated; undefined: the audit found no host reach. */
export function importTreatment(name: string): "denied" | "sealed" | "harmless" | undefined {
  if (name in DENIED_IMPORTS) return "denied";
  if (SEALED_IMPORTS.includes(name) || SEALED_PREFIXES.some((prefix) => name.startsWith(prefix)))
    return "sealed";
  if (HARMLESS_IMPORTS.includes(name)) return "harmless";
  return undefined;
}

/**
 * Replaces the denied imports in the module's import object, before it is instantiated. Each
 * stand-in keeps the original's `sig` (Emscripten's signature string): ctypes and the dynamic
 * linker build their call trampolines from it.
 */
export function denyHostImports(imports: WebAssembly.Imports | undefined): string[] {
  const replaced: string[] = [];
  for (const namespace of Object.values(imports ?? {}) as Record<string, unknown>[]) {
    for (const [name, behaviour] of Object.entries(DENIED_IMPORTS)) {
      const original = namespace[name] as { sig?: string } | undefined;
      if (original === undefined) continue;
      const standIn = Object.assign((...args: number[]) => behaviour(...args), { sig: original.sig });
      namespace[name] = standIn;
      replaced.push(name);
    }
  }
  return replaced;
}
