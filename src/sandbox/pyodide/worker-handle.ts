/**
 * One worker thread, seen from the sandbox host process that runs it: starts it with code
 * generation from strings disallowed in its realm, waits until Pyodide is up, matches calls to
 * replies, interrupts, and terminates. A worker that dies (fatal Pyodide error, abort) rejects every
 * pending call; the sandbox then starts another.
 */
import { setFlagsFromString } from "node:v8";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { compiledPyodide } from "./compiled-module.js";
import type {
  BridgeReply,
  BridgeRequest,
  HostRequest,
  StartInfo,
  WorkerInit,
  WorkerMessage,
} from "./messages.js";
import { type CallResult, WorkerCallError } from "./pyodide-worker.js";

/** Why a worker did not come up. */
export class WorkerStartError extends Error {}

/** The V8 flag is process-wide and read when the worker's context is created: one start at a time. */
let creationQueue: Promise<unknown> = Promise.resolve();

export class WorkerHandle {
  readonly interruptView: Int32Array;
  private readonly pending = new Map<
    number,
    { resolve: (r: CallResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private exitReason: string | undefined;
  private readonly exitListeners: ((reason: string) => void)[] = [];
  startInfo: StartInfo | undefined;
  /** A memory snapshot made at boot, for the host to store (taken once). */
  snapshot: Uint8Array | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly bridgePort: MessagePort,
    readonly bridgeSignal: Int32Array,
    interruptBuffer: SharedArrayBuffer,
    /** What the worker's sandbox holds, in bytes, as the worker last published it (worker-lockdown.ts). */
    readonly usage: Float64Array,
  ) {
    this.interruptView = new Int32Array(interruptBuffer);
  }

  /** `bootstrap`: the code that imports the worker module (worker-entry.ts, made by the host). */
  static async start(
    init: Omit<WorkerInit, "interruptBuffer" | "bridgeSignal" | "usageBuffer" | "wasmModule">,
    bootstrap: string,
  ): Promise<WorkerHandle> {
    const interruptBuffer = new SharedArrayBuffer(4);
    const bridgeSignal = new SharedArrayBuffer(4);
    const usageBuffer = new SharedArrayBuffer(8);
    const channel = new MessageChannel();
    const wasmModule = await compiledPyodide(init.indexURL).catch(() => undefined);
    const fullInit: WorkerInit = { ...init, interruptBuffer, bridgeSignal, usageBuffer, wasmModule };
    const created = creationQueue.then(() => createLockedWorker(bootstrap, fullInit, channel.port2));
    creationQueue = created.catch(() => undefined);
    const worker = await created;
    const handle = new WorkerHandle(
      worker,
      channel.port1,
      new Int32Array(bridgeSignal),
      interruptBuffer,
      new Float64Array(usageBuffer),
    );
    handle.startInfo = await handle.listen();
    return handle;
  }

  private listen(): Promise<StartInfo> {
    return new Promise((resolve, reject) => {
      this.worker.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") {
          this.snapshot = message.snapshot;
          resolve(message.info);
        } else if (message.type === "start-failed") {
          reject(new WorkerStartError(message.message));
          void this.worker.terminate();
        } else this.settle(message);
      });
      this.worker.on("error", (error) => {
        this.exitReason = `the sandbox worker failed: ${error.message}`;
      });
      this.worker.on("exit", (code) => {
        const reason = this.exitReason ?? `the sandbox worker exited (code ${code})`;
        this.exitReason = reason;
        reject(new WorkerStartError(reason));
        for (const { reject: rejectCall } of this.pending.values()) {
          rejectCall(new WorkerCallError(reason, false, true));
        }
        this.pending.clear();
        this.bridgePort.close();
        for (const listener of this.exitListeners) listener(reason);
      });
    });
  }

  private settle(message: WorkerMessage): void {
    if (message.type !== "result" && message.type !== "failure") return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.type === "result") waiter.resolve(message);
    else waiter.reject(new WorkerCallError(message.message, message.fatal, false));
  }

  /** Called once when the thread ends, with the reason. */
  onExit(listener: (reason: string) => void): void {
    this.exitListeners.push(listener);
  }

  /** Each blocking host call Python makes (worker-bridge.ts); answer it with `replyBridge`. */
  onBridgeRequest(listener: (request: BridgeRequest) => void): void {
    this.bridgePort.on("message", listener);
  }

  /** Posts the reply, then raises the signal that wakes the worker's `Atomics.wait`. */
  replyBridge(reply: BridgeReply): void {
    this.bridgePort.postMessage(reply);
    Atomics.store(this.bridgeSignal, 0, 1);
    Atomics.notify(this.bridgeSignal, 0);
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  call(message: HostRequest): Promise<CallResult> {
    if (!this.alive)
      return Promise.reject(new WorkerCallError(this.exitReason ?? "worker ended", false, true));
    const id = this.nextId++;
    return new Promise<CallResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Asks Python to raise KeyboardInterrupt (SIGINT through Pyodide's interrupt buffer). */
  interrupt(): void {
    Atomics.store(this.interruptView, 0, 2);
  }

  clearInterrupt(): void {
    Atomics.store(this.interruptView, 0, 0);
  }

  async terminate(reason: string): Promise<void> {
    this.exitReason ??= reason;
    await this.worker.terminate();
  }
}

/** The cap on a worker's JS heap: a quarter of the sandbox's memory, at least 256 MB (Pyodide's own needs). */
export function jsHeapMb(memoryMb: number): number {
  return Math.max(256, Math.round(memoryMb / 4));
}

/** A host started with the flag keeps it: only a flag this module turned on is turned off again. */
const HOST_DISALLOWS = process.execArgv.includes("--disallow-code-generation-from-strings");

function restoreHostFlag(): void {
  if (!HOST_DISALLOWS) setFlagsFromString("--no-disallow-code-generation-from-strings");
}

function createLockedWorker(bootstrap: string, init: WorkerInit, bridgePort: MessagePort): Promise<Worker> {
  setFlagsFromString("--disallow-code-generation-from-strings");
  let worker: Worker;
  try {
    worker = new Worker(bootstrap, {
      eval: true,
      workerData: { init, bridgePort },
      transferList: [bridgePort],
      // JS objects Python makes (`to_js`, proxies) live in the worker's own heap, outside the
      // WebAssembly cap: past this the worker alone ends (ERR_WORKER_OUT_OF_MEMORY, a restart), not
      // the process every sandbox shares.
      resourceLimits: { maxOldGenerationSizeMb: jsHeapMb(init.memoryMb) },
    });
  } catch (error) {
    restoreHostFlag();
    throw error;
  }
  // The realm exists once the worker is online; only then may the host's flag go back.
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      restoreHostFlag();
      outcome();
    };
    worker.once("online", () => settle(() => resolve(worker)));
    worker.once("error", (error) => settle(() => reject(error)));
    worker.once("exit", (code) =>
      settle(() => reject(new Error(`the worker exited (code ${code}) before it started`))),
    );
  });
}
