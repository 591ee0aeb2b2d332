/**
 * One call into a transport under the sandbox's stop policy, the same for every runtime. When the
 * clock expires (Python's own time: see ExecClock) or the signal aborts, the host-side queries are
 * cancelled and KeyboardInterrupt is sent, and re-sent until the call settles; if it has not settled
 * after the grace period (one long C call, `time.sleep` under WebAssembly, code that swallows every
 * KeyboardInterrupt), the Python is killed. A Python that ends during the call is reported too; in
 * both cases the caller starts another.
 */

import type { ExecClock } from "../exec-clock.js";
import type { ExecResult } from "../types.js";
import {
  crashedMessage,
  interruptedMessage,
  killedMessage,
  type StopReason,
  type Subject,
} from "./stop-messages.js";
import { type SandboxTransport, TransportCallError, type TransportReply } from "./transport.js";

/**
 * How often KeyboardInterrupt is sent again while a stopped call has not settled. Was 100 ms
 * (process) and 25 ms (pyodide): 25, since one interrupt can be lost (pyodide) or swallowed by an
 * `except` in the user's code (both), and each retry is one small message for at most the grace period.
 */
export const INTERRUPT_RESEND_MS = 25;
/**
 * How long an interrupted call has to settle before its Python is killed. Was 1,000 ms (process)
 * and 500 ms (pyodide): 1,000, since a kill loses every variable and costs a restart (a Pyodide boot
 * takes ~1 s), while code that takes an interrupt stops within milliseconds: only code that ignores
 * it waits the extra half second.
 */
export const GRACE_MS = 1000;

export type Supervised =
  /** The driver replied; `stopped`: it did so after an interrupt (variables kept). */
  | { ok: true; reply: TransportReply; stopped: StopReason | undefined }
  | {
      ok: false;
      /** For the model: why there is no reply. */
      error: string;
      /** The Python is gone: the caller starts another (every variable lost). */
      restart: boolean;
      stopped: ExecResult["stopped"];
      /** What a Python that ended wrote outside any capture. */
      stderr: string;
    };

export interface SuperviseOptions {
  subject: Subject;
  /** The call's deadline: it counts Python's own time, paused while host calls are in flight. */
  clock: ExecClock;
  signal: AbortSignal | undefined;
  /** Cancels the host-side queries this call started (they would otherwise outlive it). */
  abortQueries: () => void;
}

type Settled = { ok: true; value: TransportReply } | { ok: false; error: unknown };

export async function supervise(
  transport: SandboxTransport,
  send: Promise<TransportReply>,
  options: SuperviseOptions,
): Promise<Supervised> {
  const { clock } = options;
  const settled: Promise<Settled> = send.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
  const { signal } = options;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<StopReason>((resolve) => {
    void clock.expired.then(resolve);
    onAbort = () => resolve("aborted");
    if (signal?.aborted) resolve("aborted");
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
  const first = await Promise.race([settled, stop]);
  clock.stop();
  if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  if (typeof first !== "string") return await finish(transport, first, undefined, options);
  options.abortQueries();
  transport.interrupt();
  const resend = setInterval(() => transport.interrupt(), INTERRUPT_RESEND_MS);
  const late = await Promise.race([settled, delay(GRACE_MS)]);
  clearInterval(resend);
  if (late === undefined) {
    transport.kill(`stopped (${first}) and killed`);
    const exit = await transport.exited;
    const error = killedMessage(options.subject, first, clock.timeoutMs, GRACE_MS);
    return { ok: false, error, restart: true, stopped: first, stderr: exit.stderr ?? "" };
  }
  transport.clearInterrupt();
  return await finish(transport, late, first, options);
}

async function finish(
  transport: SandboxTransport,
  result: Settled,
  stopped: StopReason | undefined,
  options: SuperviseOptions,
): Promise<Supervised> {
  if (result.ok) return { ok: true, reply: result.value, stopped };
  const { error } = result;
  const message = error instanceof Error ? error.message : String(error);
  if ((error instanceof TransportCallError && error.ended) || transport.ended !== undefined) {
    // The Python ended (or broke its protocol) during the call: make sure it is gone, and say how.
    transport.kill(message);
    const exit = await transport.exited;
    const memory = exit.memory === "certain";
    const why = memory ? "memory" : (stopped ?? "crashed");
    return { ok: false, error: crashedMessage(exit), restart: true, stopped: why, stderr: exit.stderr ?? "" };
  }
  const note =
    stopped === undefined ? "" : `${interruptedMessage(options.subject, stopped, options.clock.timeoutMs)} `;
  return { ok: false, error: `${note}${message}`, restart: false, stopped, stderr: "" };
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
