/**
 * What a sandbox runtime provides: a way to start one Python running `python/driver.py` (a
 * `SandboxRuntime`) and, for each Python it started, a `SandboxTransport` that carries calls into the
 * driver and the driver's host calls back. Everything else (one call at a time, the timeout, the
 * interrupt-then-kill policy, restarts with the contexts loaded again, tools, messages) is the
 * core's (`sandbox-core.ts`), the same for every runtime.
 *
 * Output caps are the runtime's, not the core's: each runtime resolves `maxOutputChars` (default
 * `DEFAULT_MAX_OUTPUT_CHARS`), has its Python cap what `print` captures (the driver's
 * `_rlm_configure`; the memory fake caps its own), and its transport caps the fd-level output it
 * returns (`TransportReply.rawStdout` / `rawStderr`). The core only joins the two.
 *
 * To add a runtime (a remote one, a container): write one file whose `SandboxRuntime.start` boots
 * the driver and returns a transport, and add one line for it to `../runtimes.ts`. Run the shared
 * contract suite (`../common.case.ts`) against it.
 */

import type { PlannedLoad } from "../context-encoding.js";
import type { DriverMethod } from "../driver-result.js";
import type { SandboxRuntimeName } from "../runtimes.js";

/**
 * Characters of stdout (and of stderr) kept per exec when `SandboxOptions.maxOutputChars` is not
 * given: every runtime's default. The Python side (`driver.py`, `process_main.py`) repeats the number.
 */
export const DEFAULT_MAX_OUTPUT_CHARS = 100_000;

/** A call's reply: the driver's JSON-able return value and the fd-level output written meanwhile. */
export interface TransportReply {
  value: unknown;
  /** Output that bypassed the driver's capture (`os.write(1, ...)`, C code), already capped; or "". */
  rawStdout: string;
  rawStderr: string;
}

/** How a Python ended, for the message the model reads. */
export interface TransportExit {
  /** E.g. "exit code 3", "killed by SIGKILL: it wrote a protocol line ...", a worker's fatal error. */
  reason: string;
  /** "certain": the memory cap ended it; "possible": its end looks like the kernel's OOM kill. */
  memory?: "certain" | "possible";
  /** What it wrote outside any call's capture before it ended (head and tail kept), if known. */
  stderr?: string;
}

/** A call that got no reply. `ended`: the Python is gone (the core starts another). */
export class TransportCallError extends Error {
  constructor(
    message: string,
    readonly ended: boolean,
  ) {
    super(message);
  }
}

/**
 * Answers one `_rlm_host_call` (`llm_query`, a tool...): takes the request Python sent (parsed JSON),
 * resolves with the reply's JSON text. Never rejects. Calls may overlap (Python threads). A read of a
 * lazy context (`_rlm_host_read`) resolves with bytes instead: a status byte (0 ok, 1 failed) then
 * the data or the error's text, which the transport hands to Python as they are.
 */
export type HostCallAnswer = (request: unknown) => Promise<string | Uint8Array>;

/** One running Python: a worker, a child process, a fake. */
export interface SandboxTransport {
  /** Calls a driver entry point. Rejects with `TransportCallError` when there is no reply. */
  call(method: DriverMethod, args: unknown[]): Promise<TransportReply>;
  /** Binds a context in the driver (`_rlm_load_*`), its bytes sent as the transport likes. */
  load(load: PlannedLoad): Promise<TransportReply>;
  /** Asks Python to raise KeyboardInterrupt in the running code (the core re-sends it until it stops). */
  interrupt(): void;
  /** After a stopped call settled: drops an interrupt not yet taken, so it cannot hit the next call. */
  clearInterrupt(): void;
  /** Ends the Python for good (and whatever it started); `reason` is what `exited` reports. */
  kill(reason: string): void;
  /** Set once the Python has ended, however it ended. */
  readonly ended: TransportExit | undefined;
  /** Resolves once the Python has ended and its output has been read. */
  readonly exited: Promise<TransportExit>;
}

/** Starts the Python of one sandbox: once at creation, and again after each restart. */
export interface SandboxRuntime {
  /** Its name in the registry (../runtimes.ts). */
  readonly name: SandboxRuntimeName;
  /** Per-exec limit on Python's own running time when an exec names none. */
  readonly timeoutMs: number;
  /** The memory cap, named in the error of a context that does not fit. */
  readonly memoryMb: number;
  /** Boots a Python with the driver; its host calls go to `answer`. */
  start(answer: HostCallAnswer): Promise<SandboxTransport>;
  /** Refuses (throws an `RlmError`) a context this runtime cannot hold, before any byte is sent. */
  admit?(load: PlannedLoad): void;
  /** Refuses a lazy context where this runtime cannot read one (the memory fake). */
  admitLazy?(): void;
  /** The sandbox has closed (its last Python was killed). */
  closed?(): void;
}
