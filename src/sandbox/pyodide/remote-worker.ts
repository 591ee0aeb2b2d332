/**
 * The host's proxy for one Pyodide worker living in the sandbox host process (host-process.ts):
 * the pyodide runtime's transport (see ../core/transport.ts), which the sandbox core drives. Calls,
 * interrupts and the replies to its blocking host calls (`_rlm_host_call`) become messages;
 * a load's bytes are encoded here a slot's worth at a time and sent only as the process asks for
 * them (two in flight), so no copy of a large context builds up on either side. A snapshot made at
 * boot comes back here to be checked and stored (snapshot-store.ts): the process cannot write.
 */
import { RlmError } from "../../errors/index.js";
import type { PlannedLoad } from "../context-encoding.js";
import {
  type HostCallAnswer,
  type SandboxTransport,
  TransportCallError,
  type TransportExit,
  type TransportReply,
} from "../core/transport.js";
import type { DriverMethod } from "../driver-result.js";
import { PartReader, slotBytesFor } from "./context-stream.js";
import {
  type HostedWorker,
  type HostProcess,
  type HostProcessLocation,
  hostProcessFor,
} from "./host-process.js";
import type { FromHostProcess, RemoteWorkerInit } from "./host-process-messages.js";
import type { BridgeRequest, StartInfo } from "./messages.js";
import type { ChunkSource } from "./pyodide-worker.js";
import { type SnapshotLocation, storeSnapshot } from "./snapshot-store.js";
import { programPath, workerBootstrap } from "./worker-entry.js";

interface Pending {
  resolve: (result: TransportReply) => void;
  reject: (error: Error) => void;
  /** For a load: where its bytes come from, and the first failure to encode them. */
  source?: ChunkSource;
  slotBytes?: number;
  encodeError?: unknown;
}

const decoder = new TextDecoder();

export class RemoteWorker implements SandboxTransport, HostedWorker {
  startInfo: StartInfo | undefined;
  readonly exited: Promise<TransportExit>;
  private id = 0;
  private exit: TransportExit | undefined;
  private onExit: (exit: TransportExit) => void = () => {};
  private nextCall = 1;
  private readonly pending = new Map<number, Pending>();
  /** Where its host calls go: set by the sandbox that runs it (a spare has none yet). */
  private hostCalls: HostCallAnswer | undefined;
  private started: { resolve: (info: StartInfo) => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly host: HostProcess,
    private readonly snapshot: SnapshotLocation | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      this.onExit = resolve;
    });
  }

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
    return this.exit === undefined && this.host.alive;
  }

  get ended(): TransportExit | undefined {
    if (this.exit === undefined && !this.host.alive) this.end("the sandbox host process ended");
    return this.exit;
  }

  /** Sends the worker's host calls to `answer` (the sandbox that took it). */
  serve(answer: HostCallAnswer): void {
    this.hostCalls = answer;
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
        void this.answer(message.request);
        return;
      case "exit":
        this.end(message.reason);
        return;
    }
  }

  lost(reason: string): void {
    this.end(reason);
  }

  call(method: DriverMethod, args: unknown[]): Promise<TransportReply> {
    if (!this.alive) return this.refused();
    const id = this.nextCall++;
    return new Promise<TransportReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.host.send({ op: "call", worker: this.id, id, method, args });
    });
  }

  /** The parts' bytes are encoded a slot at a time, as the process asks for them (`sendChunk`). */
  load(planned: PlannedLoad): Promise<TransportReply> {
    if (!this.alive) return this.refused();
    const id = this.nextCall++;
    const { plan, byteLength } = planned;
    return new Promise<TransportReply>((resolve, reject) => {
      const source = new PartReader(planned);
      this.pending.set(id, { resolve, reject, source, slotBytes: slotBytesFor(byteLength) });
      this.host.send({ op: "load", worker: this.id, id, plan, byteLength });
    });
  }

  interrupt(): void {
    this.host.send({ op: "interrupt", worker: this.id });
  }

  clearInterrupt(): void {
    this.host.send({ op: "clear-interrupt", worker: this.id });
  }

  kill(reason: string): void {
    if (this.exit !== undefined) return;
    this.host.send({ op: "terminate", worker: this.id, reason });
    this.end(reason);
  }

  async terminate(reason: string): Promise<void> {
    this.kill(reason);
  }

  setReferenced(referenced: boolean): void {
    this.host.setReferenced(this.id, referenced && this.alive);
  }

  /** One blocking `_rlm_host_call`: the process wakes the worker when the reply arrives. */
  private async answer(request: BridgeRequest): Promise<void> {
    let text: string | Uint8Array;
    try {
      const parsed: unknown = JSON.parse(decoder.decode(request.json));
      text = this.hostCalls === undefined ? NOT_SERVED : await this.hostCalls(parsed);
    } catch (error) {
      text = JSON.stringify({ ok: false, error: `malformed host call: ${String(error)}` });
    }
    // A read's bytes (a lazy context's) go as they are: `_rlm_host_read` takes the status byte off.
    const reply = { id: request.id, json: typeof text === "string" ? Buffer.from(text, "utf8") : text };
    this.host.send({ op: "bridge-reply", worker: this.id, reply });
  }

  private refused(): Promise<never> {
    return Promise.reject(new TransportCallError(this.exit?.reason ?? "the worker ended", true));
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
    else if (message.op === "result") {
      const { json, rawStdout, rawStderr } = message.result;
      try {
        waiter.resolve({ value: JSON.parse(json), rawStdout, rawStderr });
      } catch (error) {
        waiter.reject(new TransportCallError(`the worker's reply is not JSON: ${String(error)}`, false));
      }
    } else {
      // A fatal Pyodide error leaves the thread alive but Python unusable: end it here.
      if (message.fatal) this.kill(message.message);
      waiter.reject(new TransportCallError(message.message, message.fatal || message.exited));
    }
  }

  private end(reason: string): void {
    if (this.exit !== undefined) return;
    const memory = /MemoryError|memory cap|out of memory/i.test(reason);
    this.exit = { reason: firstLine(reason), ...(memory ? { memory: "certain" as const } : {}) };
    this.host.remove(this.id);
    const startFailure = reason.startsWith("Pyodide did not start")
      ? reason
      : `Pyodide did not start: ${reason}`;
    this.started?.reject(new RlmError("sandbox-start-failed", startFailure));
    this.started = undefined;
    for (const { reject } of this.pending.values()) reject(new TransportCallError(reason, true));
    this.pending.clear();
    this.onExit(this.exit);
  }
}

const NOT_SERVED = JSON.stringify({ ok: false, error: "this worker serves no sandbox yet" });

function firstLine(text: string): string {
  const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
