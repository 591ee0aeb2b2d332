/**
 * Entry point of the sandbox host process: the process every Pyodide worker of one host runs in,
 * started by host-process.ts under Node's permission model (reads limited to the Pyodide package,
 * the cache and this code; no writes, no child processes, no native addons; workers allowed, and
 * bound by the same rules) and, where bubblewrap is available, without a network. This file only
 * relays: it starts worker threads (worker-handle.ts), passes calls and bridge traffic between them
 * and the host's IPC channel, feeds context loads into shared memory, and interrupts. It holds no
 * secret: its environment is empty and it never sees the host's keys.
 */
import { feedSlots, slotBytesFor } from "./context-stream.js";
import type { FromHostProcess, ToHostProcess } from "./host-process-messages.js";
import { STREAM } from "./messages.js";
import { jsHeapMb, WorkerHandle } from "./worker-handle.js";

interface Load {
  chunks: Uint8Array[];
  wake: (() => void) | undefined;
  received: number;
  byteLength: number;
  failed: boolean;
}

interface Hosted {
  handle: Promise<WorkerHandle>;
  loads: Map<number, Load>;
  memoryMb: number;
  /** Calls in flight: only a worker running one can be growing. */
  busy: number;
}

const workers = new Map<number, Hosted>();

/**
 * While any worker lives here, a watch runs every `WATCH_MS`. It checks the process's memory: the
 * caps inside a worker (WebAssembly heap and files, JS heap) do not cover JS buffers Python can
 * make through proxies (`Uint8Array.new(n)`, `to_js` copies), which live outside both; past what
 * this process's sandboxes may hold together, the workers running a call are ended, so the
 * sandbox restarts and reports it, and the host's memory stays bounded. The same timer keeps the
 * process from going fully idle: on the 2-vCPU VMs this was measured on, a message reaching a
 * process idle for a second waited 4-5 ms to be read (against ~0.5 ms), and every turn of a run
 * comes after the model's seconds of thinking.
 */
const WATCH_MS = 20;
/** This process without workers (Node, the compiled interpreter), and each booted worker's own. */
const PROCESS_BASE_MB = 200;
const WORKER_BASE_MB = 150;
let watch: ReturnType<typeof setInterval> | undefined;

function hostedCountChanged(): void {
  if (workers.size > 0) watch ??= setInterval(checkMemory, WATCH_MS);
  else if (watch !== undefined) {
    clearInterval(watch);
    watch = undefined;
  }
}

function checkMemory(): void {
  let budgetMb = PROCESS_BASE_MB;
  for (const hosted of workers.values()) {
    budgetMb += hosted.memoryMb + jsHeapMb(hosted.memoryMb) + WORKER_BASE_MB;
  }
  const rssMb = process.memoryUsage.rss() / 1024 / 1024;
  if (rssMb <= budgetMb) return;
  const reason = `the sandbox went over its memory cap (its process held ${Math.round(rssMb)} MB, more than the ${budgetMb} MB its sandboxes may use together)`;
  for (const [worker, hosted] of workers) {
    if (hosted.busy === 0) continue;
    workers.delete(worker);
    void hosted.handle.then(
      (handle) => handle.terminate(reason),
      () => undefined,
    );
  }
  hostedCountChanged();
}

/** Structured clone ("advanced" serialization): bytes cross as bytes. */
function send(message: FromHostProcess): void {
  process.send?.(message);
}

function start(message: ToHostProcess & { op: "start" }): void {
  const { worker } = message;
  const handle = WorkerHandle.start(message.init, message.bootstrap);
  workers.set(worker, { handle, loads: new Map(), memoryMb: message.init.memoryMb, busy: 0 });
  hostedCountChanged();
  handle.then(
    (started) => {
      started.onExit((reason) => {
        workers.delete(worker);
        hostedCountChanged();
        send({ op: "exit", worker, reason });
      });
      started.onBridgeRequest((request) => send({ op: "bridge", worker, request }));
      const snapshot = started.snapshot;
      started.snapshot = undefined;
      send({ op: "ready", worker, info: started.startInfo!, ...(snapshot ? { snapshot } : {}) });
    },
    (error: unknown) => {
      workers.delete(worker);
      hostedCountChanged();
      send({ op: "start-failed", worker, message: error instanceof Error ? error.message : String(error) });
    },
  );
}

async function call(hosted: Hosted, message: ToHostProcess & { op: "call" | "load" }): Promise<void> {
  const { worker, id } = message;
  const handle = await hosted.handle;
  hosted.busy += 1;
  try {
    let result: Awaited<ReturnType<WorkerHandle["call"]>>;
    if (message.op === "call") {
      result = await handle.call({ type: "call", method: message.method, args: message.args });
    } else {
      result = await load(hosted, handle, message);
    }
    send({ op: "result", worker, id, result });
  } catch (error) {
    const details = error as { message?: string; fatal?: boolean; exited?: boolean };
    send({
      op: "failure",
      worker,
      id,
      message: details.message ?? String(error),
      fatal: details.fatal === true,
      exited: details.exited === true,
    });
  } finally {
    hosted.busy -= 1;
  }
}

/** Streams the host's chunks into a fresh shared buffer while the worker reads it. */
async function load(hosted: Hosted, handle: WorkerHandle, message: ToHostProcess & { op: "load" }) {
  const { worker, id, plan, byteLength } = message;
  const stream = new SharedArrayBuffer(STREAM.controlWords * 4 + 2 * slotBytesFor(byteLength));
  const state: Load = { chunks: [], wake: undefined, received: 0, byteLength, failed: false };
  hosted.loads.set(id, state);
  const next = async (): Promise<Uint8Array | undefined> => {
    for (;;) {
      const chunk = state.chunks.shift();
      if (chunk !== undefined) {
        send({ op: "more", worker, id });
        return chunk;
      }
      if (state.failed) throw new Error("the host stopped sending the context");
      if (state.received >= state.byteLength) return undefined;
      await new Promise<void>((resolve) => {
        state.wake = resolve;
      });
    }
  };
  let settled = false;
  const feeding = feedSlots(stream, next, () => settled).catch(() => undefined);
  // Two chunks in flight: one being copied, one on its way.
  send({ op: "more", worker, id });
  send({ op: "more", worker, id });
  try {
    return await handle.call({ type: "load", plan, stream });
  } finally {
    settled = true;
    state.failed = true;
    state.wake?.();
    hosted.loads.delete(id);
    await feeding;
  }
}

function receive(message: ToHostProcess): void {
  if (message.op === "start") {
    start(message);
    return;
  }
  const hosted = workers.get(message.worker);
  if (hosted === undefined) {
    if (message.op === "call" || message.op === "load") {
      send({
        op: "failure",
        worker: message.worker,
        id: message.id,
        message: "worker ended",
        fatal: false,
        exited: true,
      });
    }
    return;
  }
  switch (message.op) {
    case "call":
    case "load":
      void call(hosted, message);
      return;
    case "chunk":
    case "chunk-failed": {
      const state = hosted.loads.get(message.id);
      if (state === undefined) return;
      if (message.op === "chunk") {
        state.chunks.push(message.bytes);
        state.received += message.bytes.length;
      } else state.failed = true;
      state.wake?.();
      state.wake = undefined;
      return;
    }
    case "interrupt":
      void hosted.handle.then(
        (handle) => handle.interrupt(),
        () => undefined,
      );
      return;
    case "clear-interrupt":
      void hosted.handle.then(
        (handle) => handle.clearInterrupt(),
        () => undefined,
      );
      return;
    case "terminate":
      workers.delete(message.worker);
      hostedCountChanged();
      void hosted.handle.then(
        (handle) => handle.terminate(message.reason),
        () => undefined,
      );
      return;
    case "bridge-reply":
      void hosted.handle.then(
        (handle) => handle.replyBridge(message.reply),
        () => undefined,
      );
      return;
  }
}

process.on("message", (message: ToHostProcess) => receive(message));
// The host is gone: nothing here is worth keeping.
process.on("disconnect", () => process.exit(0));
