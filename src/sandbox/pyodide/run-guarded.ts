/**
 * One call into the worker under the sandbox's stop policy. On timeout (Python's own time: the
 * ExecClock pauses while host calls are in flight) or abort: abort the pending
 * host queries and send SIGINT through the interrupt buffer every 25 ms (a single signal is
 * sometimes lost) until the call settles; after a grace period (`time.sleep`, one long C call, code
 * that swallows KeyboardInterrupt) terminate the worker. A fatal Pyodide error or a dead thread
 * also ends in "restart".
 */
import { type ExecClock, OWN_TIME } from "../exec-clock.js";
import {
  type CallResult,
  type PyodideWorker,
  type SandboxRequest,
  WorkerCallError,
} from "./pyodide-worker.js";

export type StopReason = "timeout" | "aborted";

export type GuardedOutcome =
  | {
      kind: "result";
      value: unknown;
      rawStdout: string;
      rawStderr: string;
      /** Set when the call was interrupted but Python survived it (variables kept). */
      stopped?: StopReason;
    }
  | {
      kind: "failed";
      message: string;
      /** The worker is gone: a new one must be started and every variable is lost. */
      restart: boolean;
      stopped?: "timeout" | "aborted" | "memory" | "crashed";
    };

export interface GuardOptions {
  /** The call's deadline: it counts Python's own time, paused while host calls are in flight. */
  clock: ExecClock;
  signal?: AbortSignal | undefined;
  /** Called when the call is stopped, so that in-flight `llm_query` calls end too. */
  abortQueries: () => void;
}

const RESEND_MS = 25;
const GRACE_MS = 500;

type Settled = { ok: true; value: CallResult } | { ok: false; error: unknown };

export async function runGuarded(
  handle: PyodideWorker,
  request: SandboxRequest,
  options: GuardOptions,
): Promise<GuardedOutcome> {
  const { clock } = options;
  if (options.signal?.aborted) {
    clock.stop();
    return {
      kind: "failed",
      restart: false,
      stopped: "aborted",
      message: `${stopReasonText("aborted", 0)} Nothing ran.`,
    };
  }
  const settled: Promise<Settled> = handle.call(request).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
  let onAbort: (() => void) | undefined;
  const stop = new Promise<StopReason>((resolve) => {
    void clock.expired.then(resolve);
    onAbort = () => resolve("aborted");
    if (options.signal?.aborted) resolve("aborted");
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  let first: Settled | StopReason = await Promise.race([settled, stop]);
  clock.stop();
  if (onAbort) options.signal?.removeEventListener("abort", onAbort);
  let stopped: StopReason | undefined;
  if (typeof first === "string") {
    stopped = first;
    options.abortQueries();
    handle.interrupt();
    const resend = setInterval(() => handle.interrupt(), RESEND_MS);
    const late = await Promise.race([settled, delay(GRACE_MS)]);
    clearInterval(resend);
    if (late === undefined) {
      await handle.terminate(`stopped (${stopped}) and killed`);
      return {
        kind: "failed",
        restart: true,
        stopped,
        message: `${stopReasonText(stopped, clock.timeoutMs)} An interrupt did not stop it within ${GRACE_MS} ms, so the Python process was killed and restarted: every variable was lost (the context was loaded again).`,
      };
    }
    first = late;
  }
  handle.clearInterrupt();
  if (first.ok) {
    const value: unknown = JSON.parse(first.value.json);
    const { rawStdout, rawStderr } = first.value;
    return { kind: "result", value, rawStdout, rawStderr, ...(stopped ? { stopped } : {}) };
  }
  return failure(first.error, handle, stopped, clock.timeoutMs);
}

async function failure(
  error: unknown,
  handle: PyodideWorker,
  stopped: StopReason | undefined,
  timeoutMs: number,
): Promise<GuardedOutcome> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof WorkerCallError && (error.fatal || error.exited)) {
    await handle.terminate("Pyodide failed fatally");
    const memory = /MemoryError|memory cap|out of memory/i.test(message);
    return {
      kind: "failed",
      restart: true,
      stopped: memory ? "memory" : (stopped ?? "crashed"),
      message: `The Python runtime crashed (${firstLine(message)}); it was restarted and every variable was lost (the context was loaded again).`,
    };
  }
  const prefix = stopped ? `${stopReasonText(stopped, timeoutMs)} ` : "";
  return { kind: "failed", restart: false, ...(stopped ? { stopped } : {}), message: `${prefix}${message}` };
}

export function stopReasonText(stopped: StopReason, timeoutMs: number): string {
  return stopped === "timeout"
    ? `The code ran longer than the ${timeoutMs} ms limit ${OWN_TIME} and was stopped.`
    : "The run was cancelled.";
}

function firstLine(text: string): string {
  const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
