/**
 * Messages between the host (main thread) and the Pyodide worker. Internal to this runtime: the
 * Python-side contract is `src/sandbox/python/driver.py`, these only carry calls into it.
 */

import type { LoadPlan } from "../context-encoding.js";
import type { DriverMethod } from "../driver-result.js";

export type { DriverMethod, LoadPlan };

/** Data the worker gets at start (`workerData`). Buffers are shared with the host. */
export interface WorkerInit {
  /** Directory of the `pyodide` npm package, with a trailing slash. */
  indexURL: string;
  /**
   * The cached memory snapshot: loaded only when its SHA-256 is `digest` (which the host read from
   * the record it wrote beside it, bound to the Pyodide version and the driver); without a digest a
   * new one is made and handed to the host to store. Undefined disables snapshots.
   */
  snapshot: { path: string; digest: string | undefined } | undefined;
  /** Cap on the WebAssembly heap in MB. */
  memoryMb: number;
  /** Source of the Python driver. */
  driverSource: string;
  /** Max characters kept of raw fd-level output per call. */
  maxOutputChars: number;
  /** Int32Array[1] over a SharedArrayBuffer: Pyodide's interrupt buffer (2 = SIGINT). */
  interruptBuffer: SharedArrayBuffer;
  /** Int32Array[1]: set by the host when a bridge reply was posted on the bridge port. */
  bridgeSignal: SharedArrayBuffer;
  /** Float64Array[1]: the bytes the worker's sandbox holds (heap, files, JS buffers), as it last saw. */
  usageBuffer: SharedArrayBuffer;
  /** Pyodide's WebAssembly, compiled by the host (compiled-module.ts); undefined: compile it here. */
  wasmModule: WebAssembly.Module | undefined;
}

/** The driver's entry points the worker itself calls to serve a "load" (`receiveContext` in worker.ts). */
export type LoadMethod = "_rlm_load_prepare" | "_rlm_load_finish" | "_rlm_load_abandon";

/**
 * Layout of a load's `stream` buffer: Int32 control words, then two slots of bytes. Word `slot` is
 * the length the host wrote into that slot (0: empty, the host may write); the worker empties the
 * slots in turn. The host sets `hostFailed` when it cannot go on.
 */
export const STREAM = { controlWords: 4, hostFailed: 2, slotBytes: 1024 * 1024 } as const;

/** Bytes per slot of a load's `stream` (smaller than `STREAM.slotBytes` for a small context). */
export function slotBytesOf(stream: SharedArrayBuffer): number {
  return (stream.byteLength - STREAM.controlWords * 4) / 2;
}

/** Host -> worker, before the handle numbers it. */
export type HostRequest =
  | { type: "call"; method: DriverMethod; args: unknown[] }
  /** `stream`: control words and two slots the host fills with the parts' bytes (context-stream.ts). */
  | { type: "load"; plan: LoadPlan; stream: SharedArrayBuffer };

/** Host -> worker. */
export type HostMessage = HostRequest & { id: number };

/** How the worker came up, for the bench and for diagnosing slow starts. */
export interface StartInfo {
  snapshot: "loaded" | "made" | "off" | "failed";
  snapshotError?: string;
  loadMs: number;
}

/** Worker -> host. `json` is the JSON (ASCII) of the driver's return value. */
export type WorkerMessage =
  /** `snapshot`: a memory snapshot made at this boot, for the host to store. */
  | { type: "ready"; info: StartInfo; snapshot?: Uint8Array }
  | { type: "start-failed"; message: string }
  | { type: "result"; id: number; json: string; rawStdout: string; rawStderr: string }
  | { type: "failure"; id: number; message: string; fatal: boolean };

/** Worker -> host on the bridge port: one blocking `_rlm_host_call`. */
export interface BridgeRequest {
  id: number;
  /** UTF-8 JSON of the request dict. */
  json: Uint8Array;
}

/** Host -> worker on the bridge port, posted before the bridge signal is raised. */
export interface BridgeReply {
  id: number;
  json: Uint8Array;
}
