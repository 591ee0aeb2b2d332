/**
 * Entry point of the sandbox worker thread. Order matters: cap WebAssembly memory, boot Pyodide,
 * lock Pyodide's own doors, load the driver, scrub the globals, then serve calls. The realm was
 * created with code generation from strings disallowed (see `worker-handle.ts`).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { PyodideAPI } from "pyodide";
import type { HostMessage, WorkerInit, WorkerMessage } from "./messages.js";
import { bootPyodide } from "./worker-boot.js";
import { createHostCall } from "./worker-bridge.js";
import { capWebAssemblyMemory, lockPyodide, scrubGlobals } from "./worker-lockdown.js";
import { PRELUDE, WARM_UP } from "./worker-python.js";

type PythonCallable = (...args: unknown[]) => { toJs(): unknown; destroy(): void };

const { init, bridgePort } = workerData as { init: WorkerInit; bridgePort: MessagePort };
const port = parentPort!;
const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

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
  const { pyodide, info } = await bootPyodide(init, { stdout: capture("stdout"), stderr: capture("stderr") });
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
  scrubGlobals();
  // The worker's first event-loop turn after booting stalls for 250-1,900 ms on a busy machine
  // (deferred start-up work runs there). Taken before "ready", it is part of the boot (hidden by a
  // spare or `warm()`), not of the first load or exec, which then answer in a few ms.
  await new Promise((resolve) => setImmediate(resolve));
  send({ type: "ready", info });
  return { pyodide, dispatch };
}

function serve(pyodide: PyodideAPI, dispatch: PythonCallable, message: HostMessage): void {
  raw.stdout = "";
  raw.stderr = "";
  Atomics.store(new Int32Array(init.interruptBuffer), 0, 0);
  const contextPath = `/tmp/rlm-context-${message.id}.bin`;
  try {
    let method: string = message.type === "call" ? message.method : "_rlm_load";
    let args: unknown[] = message.type === "call" ? message.args : [];
    if (message.type === "load") {
      pyodide.FS.writeFile(contextPath, concatenate(message.chunks, message.byteLength), { canOwn: true });
      method = "_rlm_load";
      args = [contextPath, message.kind, message.variable];
    }
    const reply = dispatch(method, JSON.stringify(args));
    const json = reply.toJs() as Uint8Array;
    reply.destroy();
    const bytes = json.slice();
    send({ type: "result", id: message.id, json: bytes, rawStdout: raw.stdout, rawStderr: raw.stderr }, [
      bytes.buffer,
    ]);
  } catch (error) {
    send({ type: "failure", id: message.id, message: describe(error), fatal });
  } finally {
    if (message.type === "load") {
      try {
        pyodide.FS.unlink(contextPath);
      } catch {
        // The file was never written (the write itself failed).
      }
    }
  }
}

function concatenate(chunks: Uint8Array[], byteLength: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const whole = new Uint8Array(byteLength);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

start().then(
  ({ pyodide, dispatch }) => port.on("message", (message: HostMessage) => serve(pyodide, dispatch, message)),
  (error: unknown) => send({ type: "start-failed", message: describe(error) }),
);
