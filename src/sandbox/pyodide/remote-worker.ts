/**
 * The host's proxy for one Pyodide worker living in the sandbox host process (host-process.ts):
 * the `PyodideWorker` the sandbox drives. Calls, interrupts and bridge replies become messages;
 * a load's bytes are encoded here a slot's worth at a time and sent only as the process asks for
 * them (two in flight), so no copy of a large context builds up on either side. A snapshot made at
 * boot comes back here to be checked and stored (snapshot-store.ts): the process cannot write.
 */
import { RlmError } from "../../errors/index.js";
import { slotBytesFor } from "./context-stream.js";
import {
  type HostedWorker,
  type HostProcess,
  type HostProcessLocation,
  hostProcessFor,
} from "./host-process.js";
import type { FromHostProcess, RemoteWorkerInit } from "./host-process-messages.js";
import type { BridgeReply, BridgeRequest, StartInfo } from "./messages.js";
import {
  type CallResult,
  type ChunkSource,
  type PyodideWorker,
  type SandboxRequest,
  WorkerCallError,
} from "./pyodide-worker.js";
import { type SnapshotLocation, storeSnapshot } from "./snapshot-store.js";
import { programPath, workerBootstrap } from "./worker-entry.js";

interface Pending {
  resolve: (result: CallResult) => void;
  reject: (error: Error) => void;
  /** For a load: where its bytes come from, and the first failure to encode them. */
  source?: ChunkSource;
  slotBytes?: number;
  encodeError?: unknown;
}

export class RemoteWorker implements PyodideWorker, HostedWorker {
  startInfo: StartInfo | undefined;
  private id = 0;
  private exitReason: string | undefined;
  private nextCall = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly bridgeListeners: ((request: BridgeRequest) => void)[] = [];
  private started: { resolve: (info: StartInfo) => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly host: HostProcess,
    private readonly snapshot: SnapshotLocation | undefined,
  ) {}

  /** Boots a worker in the host process; `referenced: false` for a spare (see spare-worker.ts). */
  static async start(
    init: RemoteWorkerInit,
    location: HostProcessLocation & { snapshot: SnapshotLocation | undefined },
    referenced = true,
  ): Promise<RemoteWorker> {
    const host = await hostProcessFor(location);
    const workerPath = await programPath("worker", location.cacheDirectory, location.pyodideModule);
    const worker = new RemoteWorker(host, location.snapshot);
    worker.id = host.add(worker, referenced);
    const ready = new Promise<StartInfo>((resolve, reject) => {
      worker.started = { resolve, reject };
    });
    host.send({ op: "start", worker: worker.id, init, bootstrap: workerBootstrap(workerPath) });
    worker.startInfo = await ready;
    return worker;
  }

  get alive(): boolean {
    return this.exitReason === undefined && this.host.alive;
  }

  receive(message: FromHostProcess): void {
    switch (message.op) {
      case "ready":
        // Only from a process no code has reached yet (see `HostProcess.ranCode`); a cache that
        // cannot be written costs the next start time, nothing else.
        if (message.snapshot !== undefined && this.snapshot !== undefined && !this.host.ranCode) {
          void storeSnapshot(this.snapshot, message.snapshot).catch(() => undefined);
        }
        this.started?.resolve(message.info);
        this.started = undefined;
        return;
      case "start-failed":
        this.end(`Pyodide did not start: ${message.message}`);
        return;
      case "result":
      case "failure":
        this.settle(message);
        return;
      case "more":
        this.sendChunk(message.id);
        return;
      case "bridge":
        for (const listener of this.bridgeListeners) listener(message.request);
        return;
      case "exit":
        this.end(message.reason);
        return;
    }
  }

  lost(reason: string): void {
    this.end(reason);
  }

  call(request: SandboxRequest): Promise<CallResult> {
    if (!this.alive)
      return Promise.reject(new WorkerCallError(this.exitReason ?? "worker ended", false, true));
    const id = this.nextCall++;
    return new Promise<CallResult>((resolve, reject) => {
      if (request.type === "call") {
        this.pending.set(id, { resolve, reject });
        this.host.send({ op: "call", worker: this.id, id, method: request.method, args: request.args });
        return;
      }
      const slotBytes = slotBytesFor(request.byteLength);
      this.pending.set(id, { resolve, reject, source: request.source, slotBytes });
      this.host.send({ op: "load", worker: this.id, id, plan: request.plan, byteLength: request.byteLength });
    });
  }

  interrupt(): void {
    this.host.send({ op: "interrupt", worker: this.id });
  }

  clearInterrupt(): void {
    this.host.send({ op: "clear-interrupt", worker: this.id });
  }

  async terminate(reason: string): Promise<void> {
    this.host.send({ op: "terminate", worker: this.id, reason });
    this.end(reason);
  }

  setReferenced(referenced: boolean): void {
    this.host.setReferenced(this.id, referenced && this.alive);
  }

  onBridgeRequest(listener: (request: BridgeRequest) => void): void {
    this.bridgeListeners.push(listener);
  }

  replyBridge(reply: BridgeReply): void {
    this.host.send({ op: "bridge-reply", worker: this.id, reply });
  }

  /** The process has room for one more chunk of load `id`. */
  private sendChunk(id: number): void {
    const load = this.pending.get(id);
    if (load?.source === undefined || load.source.done || load.encodeError !== undefined) return;
    try {
      const chunk = new Uint8Array(load.slotBytes!);
      const length = load.source.fill(chunk);
      this.host.send({ op: "chunk", worker: this.id, id, bytes: chunk.subarray(0, length) });
    } catch (error) {
      load.encodeError = error;
      this.host.send({ op: "chunk-failed", worker: this.id, id });
    }
  }

  private settle(message: FromHostProcess & { op: "result" | "failure" }): void {
    const waiter = this.pending.get(message.id);
    if (waiter === undefined) return;
    this.pending.delete(message.id);
    if (waiter.encodeError !== undefined) waiter.reject(waiter.encodeError as Error);
    else if (message.op === "result") waiter.resolve(message.result);
    else waiter.reject(new WorkerCallError(message.message, message.fatal, message.exited));
  }

  private end(reason: string): void {
    if (this.exitReason !== undefined) return;
    this.exitReason = reason;
    this.host.remove(this.id);
    const startFailure = reason.startsWith("Pyodide did not start")
      ? reason
      : `Pyodide did not start: ${reason}`;
    this.started?.reject(new RlmError("sandbox-start-failed", startFailure));
    this.started = undefined;
    for (const { reject } of this.pending.values()) reject(new WorkerCallError(reason, false, true));
    this.pending.clear();
  }
}
