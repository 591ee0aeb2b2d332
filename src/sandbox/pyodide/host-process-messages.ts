/**
 * Messages between the host and the sandbox host process (host-process.ts, host-process-main.ts),
 * over Node's IPC channel with structured-clone serialization (bytes cross as bytes). Every message
 * names the worker it is about; one host process serves every Pyodide worker of its host.
 */

import type {
  BridgeReply,
  BridgeRequest,
  DriverMethod,
  LoadPlan,
  StartInfo,
  WorkerInit,
} from "./messages.js";
import type { CallResult } from "./pyodide-worker.js";

/** What the host process needs to boot a worker: `WorkerInit` without the buffers it makes itself. */
export type RemoteWorkerInit = Omit<
  WorkerInit,
  "interruptBuffer" | "bridgeSignal" | "usageBuffer" | "wasmModule"
>;

export type ToHostProcess =
  | { op: "start"; worker: number; init: RemoteWorkerInit; bootstrap: string }
  | { op: "call"; worker: number; id: number; method: DriverMethod; args: unknown[] }
  | { op: "load"; worker: number; id: number; plan: LoadPlan; byteLength: number }
  /** The next bytes of load `id` (sent once per `more`); `failed`: the host cannot go on. */
  | { op: "chunk"; worker: number; id: number; bytes: Uint8Array }
  | { op: "chunk-failed"; worker: number; id: number }
  | { op: "interrupt" | "clear-interrupt"; worker: number }
  | { op: "terminate"; worker: number; reason: string }
  | { op: "bridge-reply"; worker: number; reply: BridgeReply };

export type FromHostProcess =
  /** `snapshot`: a new memory snapshot for the host to check and store (the process cannot write). */
  | { op: "ready"; worker: number; info: StartInfo; snapshot?: Uint8Array }
  | { op: "start-failed"; worker: number; message: string }
  | { op: "result"; worker: number; id: number; result: CallResult }
  | { op: "failure"; worker: number; id: number; message: string; fatal: boolean; exited: boolean }
  /** Load `id` has room for one more chunk. */
  | { op: "more"; worker: number; id: number }
  | { op: "bridge"; worker: number; request: BridgeRequest }
  | { op: "exit"; worker: number; reason: string };
