/**
 * Entry point of the sandbox worker thread. Order matters: cap WebAssembly memory, boot Pyodide,
 * lock Pyodide's own doors, load the driver, scrub the globals, then serve calls. The realm was
 * created with code generation from strings disallowed (see `worker-handle.ts`).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { PyodideAPI } from "pyodide";
import {
  type DriverMethod,
  type HostMessage,
  type LoadMethod,
  STREAM,
  slotBytesOf,
  type WorkerInit,
  type WorkerMessage,
} from "./messages.js";
import { installSealedRequire } from "./sealed-require.js";
import { bootPyodide } from "./worker-boot.js";
import { createHostCall } from "./worker-bridge.js";
import {
  capWebAssemblyMemory,
  lockPyodide,
  refuseSockets,
  scrubGlobals,
  shimProcessBinding,
  startJsBufferAccounting,
} from "./worker-lockdown.js";
import { PRELUDE, WARM_UP } from "./worker-python.js";

type PythonCallable = (...args: unknown[]) => unknown;

const { init, bridgePort } = workerData as { init: WorkerInit; bridgePort: MessagePort };
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
/** Pyodide's interrupt buffer (2 = SIGINT), cleared before each call. */
const interrupt = new Int32Array(init.interruptBuffer);
/** How often a load waiting for the host's next slot checks for a stop. */
const WAIT_SLICE_MS = 20;

/** fd-level writes (not through `sys.stdout`, which the driver captures), capped per call. */
const raw = { stdout: "", stderr: "" };
const decoder = new TextDecoder();
const capture = (stream: "stdout" | "stderr") => (text: string) => {
  if (raw[stream].length < init.maxOutputChars) raw[stream] += `${text}\n`.slice(0, init.maxOutputChars);
};
/** Unbuffered: a flood without newlines costs a length check per write, nothing more. */
const writer = (stream: "stdout" | "stderr") => ({
  write(buffer: Uint8Array): number {
    const room = init.maxOutputChars - raw[stream].length;
    if (room > 0) raw[stream] += decoder.decode(buffer.subarray(0, room));
    return buffer.length;
  },
});

let fatal = false;

// Pyodide's console noise (fatal-error banners) must not reach the host's streams. (Piping the
// worker's stdio instead keeps a MessagePort referenced: a process with a spare would never exit.)
for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) console[method] = () => {};

async function start(): Promise<{ pyodide: PyodideAPI; dispatch: PythonCallable }> {
  capWebAssemblyMemory(init.memoryMb);
  shimProcessBinding();
  refuseSockets();
  const sealedRequire = installSealedRequire(init.indexURL);
  const { pyodide, info, snapshot } = await bootPyodide(init, {
    stdout: capture("stdout"),
    stderr: capture("stderr"),
  }).finally(() => sealedRequire.restore());
  lockPyodide(pyodide, init.memoryMb);
  (pyodide as unknown as { _api: { on_fatal?: () => void } })._api.on_fatal = () => {
    fatal = true;
  };
  pyodide.setInterruptBuffer(new Int32Array(init.interruptBuffer));
  // input() gets EOF at once: nothing may wait on (or read) the host's stdin.
  pyodide.setStdin({ stdin: () => null });
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));
  const namespace = pyodide.globals.get("dict")();
  namespace.set("__name__", "rlm_driver");
  const hostCall = createHostCall(bridgePort, init.bridgeSignal, init.interruptBuffer, () =>
    pyodide.checkInterrupt(),
  );
  namespace.set("_rlm_js_host_call", hostCall);
  pyodide.runPython(PRELUDE, { globals: namespace, filename: "rlm_prelude.py" });
  pyodide.runPython(init.driverSource, { globals: namespace, filename: "driver.py" });
  pyodide.runPython(`_rlm_configure({"max_output_chars": ${init.maxOutputChars}})`, { globals: namespace });
  const dispatch = namespace.get("_rlm_dispatch") as PythonCallable;
  pyodide.runPython(WARM_UP, { globals: pyodide.globals.get("dict")(), filename: "rlm_warm_up.py" });
  sealedRequire.seal();
  startJsBufferAccounting(init.usageBuffer);
  scrubGlobals();
  // The worker's first event-loop turn after booting stalls for 250-1,900 ms on a busy machine
  // (deferred start-up work runs there). Taken before "ready", it is part of the boot (hidden by a
  // spare or `warm()`), not of the first load or exec, which then answer in a few ms.
  await new Promise((resolve) => setImmediate(resolve));
  if (snapshot === undefined) send({ type: "ready", info });
  else
    port.postMessage({ type: "ready", info, snapshot } satisfies WorkerMessage, [
      snapshot.buffer as ArrayBuffer,
    ]);
  return { pyodide, dispatch };
}

function serve(pyodide: PyodideAPI, dispatch: PythonCallable, message: HostMessage): void {
  raw.stdout = "";
  raw.stderr = "";
  Atomics.store(interrupt, 0, 0);
  try {
    const json =
      message.type === "call"
        ? callDriver(dispatch, message.method, message.args)
        : receiveContext(pyodide, dispatch, message);
    send({ type: "result", id: message.id, json, rawStdout: raw.stdout, rawStderr: raw.stderr });
  } catch (error) {
    send({ type: "failure", id: message.id, message: describe(error), fatal });
  }
}

/** The JSON (ASCII) of what the driver's entry point returned. */
function callDriver(dispatch: PythonCallable, method: DriverMethod | LoadMethod, args: unknown[]): string {
  return dispatch(method, JSON.stringify(args)) as string;
}

/** The parts of Pyodide's Emscripten module a load writes through (exported C API functions). */
interface WasmModule {
  HEAPU8: Uint8Array;
  _PyUnicode_Data(object: number): number;
  _PyByteArray_AsString(object: number): number;
}

/**
 * The worker's half of a load (the host's: context-stream.ts). Python makes one empty object per
 * part (`_rlm_load_prepare`: a str for an ASCII part, else a bytearray) and returns their ids, which
 * in CPython are their addresses in the WebAssembly heap; the bytes the host streams through the two
 * slots are copied straight to where each object keeps its data, then `_rlm_load_finish` decodes
 * and binds. So the context exists in this worker only once (plus one slot), never as a JS copy.
 */
function receiveContext(
  pyodide: PyodideAPI,
  dispatch: PythonCallable,
  { plan, stream }: HostMessage & { type: "load" },
): string {
  const wasm = (pyodide as unknown as { _module: WasmModule })._module;
  const targets = JSON.parse(callDriver(dispatch, "_rlm_load_prepare", [plan])) as [
    number,
    "str" | "bytearray",
  ][];
  try {
    const control = new Int32Array(stream, 0, STREAM.controlWords);
    let slot = 0;
    let chunk: Uint8Array | undefined;
    let position = 0;
    for (const [index, [object, type]] of targets.entries()) {
      // `>>> 0`: an address past 2 GiB comes back from C as a negative int32.
      let address =
        (type === "str" ? wasm._PyUnicode_Data(object) : wasm._PyByteArray_AsString(object)) >>> 0;
      for (let remaining = plan.parts[index]!.bytes; remaining > 0; ) {
        chunk ??= filledSlot(stream, control, slot);
        const count = Math.min(remaining, chunk.length - position);
        wasm.HEAPU8.set(chunk.subarray(position, position + count), address);
        address += count;
        remaining -= count;
        position += count;
        if (position === chunk.length) {
          Atomics.store(control, slot, 0);
          Atomics.notify(control, slot);
          slot ^= 1;
          chunk = undefined;
          position = 0;
        }
      }
    }
    if (chunk !== undefined) throw new Error("the host sent more bytes than the context's parts hold");
    return callDriver(dispatch, "_rlm_load_finish", []);
  } catch (error) {
    // Free the half-filled objects now (a stop's interrupt would end this call at once: clear it).
    Atomics.store(interrupt, 0, 0);
    try {
      callDriver(dispatch, "_rlm_load_abandon", []);
    } catch {
      // Then the next load's prepare drops them.
    }
    throw error;
  }
}

/**
 * Waits until the host has filled `slot`. A stop (interrupt) is honoured at every slot, not only
 * while waiting: a host that keeps up would otherwise carry a stopped load through to the end.
 */
function filledSlot(stream: SharedArrayBuffer, control: Int32Array, slot: number): Uint8Array {
  for (;;) {
    if (Atomics.load(interrupt, 0) !== 0)
      throw Object.assign(new Error("the load was stopped"), { name: "KeyboardInterrupt" });
    const length = Atomics.load(control, slot);
    if (length > 0)
      return new Uint8Array(stream, STREAM.controlWords * 4 + slot * slotBytesOf(stream), length);
    if (Atomics.load(control, STREAM.hostFailed) !== 0)
      throw new Error("the host stopped sending the context");
    Atomics.wait(control, slot, 0, WAIT_SLICE_MS);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

start().then(
  ({ pyodide, dispatch }) => port.on("message", (message: HostMessage) => serve(pyodide, dispatch, message)),
  (error: unknown) => send({ type: "start-failed", message: describe(error) }),
);
