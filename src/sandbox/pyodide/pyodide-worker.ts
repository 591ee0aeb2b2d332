/**
 * What the sandbox needs from one booted Pyodide: calls into the driver, a context load, the
 * blocking bridge for `llm_query` and tools, interrupt and termination. Two sides implement it: the
 * worker thread itself (`WorkerHandle`, inside the sandbox host process) and the host's proxy for
 * it (`RemoteWorker`, over the host process's IPC channel). Only the proxy is used by the sandbox.
 */
import type { BridgeReply, BridgeRequest, DriverMethod, LoadPlan, StartInfo } from "./messages.js";

/** Fills `slot` with the context's next bytes; returns how many (the last fill leaves `done` set). */
export interface ChunkSource {
  readonly done: boolean;
  fill(slot: Uint8Array): number;
}

export type SandboxRequest =
  | { type: "call"; method: DriverMethod; args: unknown[] }
  /** `source` gives the parts' bytes in order; `byteLength` is their total. */
  | { type: "load"; plan: LoadPlan; byteLength: number; source: ChunkSource };

export interface CallResult {
  json: string;
  rawStdout: string;
  rawStderr: string;
}

/** A call the worker could not complete; `fatal`: Pyodide is dead, `exited`: the worker ended. */
export class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
    readonly exited: boolean,
  ) {
    super(message);
  }
}

export interface PyodideWorker {
  /** How the worker booted (snapshot, time). */
  readonly startInfo: StartInfo | undefined;
  readonly alive: boolean;
  call(request: SandboxRequest): Promise<CallResult>;
  /** Asks Python to raise KeyboardInterrupt. */
  interrupt(): void;
  clearInterrupt(): void;
  terminate(reason: string): Promise<void>;
  /** An unreferenced worker (a spare) does not keep the process alive. */
  setReferenced(referenced: boolean): void;
  /** Each blocking host call Python makes; answer it with `replyBridge`. */
  onBridgeRequest(listener: (request: BridgeRequest) => void): void;
  replyBridge(reply: BridgeReply): void;
}
