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
  /** The worker, once booted. */
  booted?: WorkerHandle;
}

const workers = new Map<number, Hosted>();

/**
 * While any worker lives here, a watch runs every `WATCH_MS`. It checks the process's memory:
 * each worker caps itself (worker-lockdown.ts), and this is the last line should a route around
 * those caps exist: past what this process's sandboxes may hold together, the worker holding the
 * most (as it last published) is ended, so its sandbox restarts and reports it, and the host's
 * memory stays bounded. The same timer keeps the process from going fully idle: on the 2-vCPU VMs
 * this was measured on, a message reaching a process idle for a second waited 4-5 ms to be read
 * (against ~0.5 ms), and every turn of a run comes after the model's seconds of thinking.
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
  // The worker holding the most ends (busy or not: Python can run between calls), and any that
  // hold more than their own sandbox may.
  const entries = [...workers].map(([worker, hosted]) => ({ worker, hosted, usedMb: usedMbOf(hosted) }));
  const largest = entries.reduce<(typeof entries)[number] | undefined>(
    (best, entry) => (best === undefined || entry.usedMb > best.usedMb ? entry : best),
    undefined,
  );
  for (const { worker, hosted, usedMb } of entries) {
    const own = hosted.memoryMb + jsHeapMb(hosted.memoryMb);
    if (worker !== largest?.worker && usedMb <= own) continue;
    workers.delete(worker);
    const reason = `the sandbox went over its memory cap (it held ${Math.round(usedMb)} MB, and its process ${Math.round(rssMb)} MB, more than the ${budgetMb} MB its sandboxes may use together)`;
    whenStarted(hosted, (handle) => handle.terminate(reason));
  }
  hostedCountChanged();
}

/** What a worker last published it holds, in MB (0 until it has booted). */
function usedMbOf(hosted: Hosted): number {
  return (hosted.booted?.usage[0] ?? 0) / 1024 / 1024;
}

/** Acts on the worker once it has started; one that never did has nothing to act on. */
function whenStarted(hosted: Hosted, action: (handle: WorkerHandle) => unknown): void {
  void hosted.handle.then(action, () => undefined);
}

/** Structured clone ("advanced" serialization): bytes cross as bytes. */
function send(message: FromHostProcess): void {
  process.send?.(message);
}

function start(message: ToHostProcess & { op: "start" }): void {
  const { worker } = message;
  const handle = WorkerHandle.start(message.init, message.bootstrap);
  const hosted: Hosted = { handle, loads: new Map(), memoryMb: message.init.memoryMb };
  workers.set(worker, hosted);
  hostedCountChanged();
  handle.then(
    (started) => {
      hosted.booted = started;
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
      whenStarted(hosted, (handle) => handle.interrupt());
      return;
    case "clear-interrupt":
      whenStarted(hosted, (handle) => handle.clearInterrupt());
      return;
    case "terminate":
      workers.delete(message.worker);
      hostedCountChanged();
      whenStarted(hosted, (handle) => handle.terminate(message.reason));
      return;
    case "bridge-reply":
      whenStarted(hosted, (handle) => handle.replyBridge(message.reply));
      return;
  }
}

process.on("message", (message: ToHostProcess) => receive(message));
// The host is gone: nothing here is worth keeping.
process.on("disconnect", () => process.exit(0));
