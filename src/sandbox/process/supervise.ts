/**
 * Runs one `_rlm_exec` under the limits: when the timeout fires (Python's own time, see ExecClock) or the signal aborts, the user's
 * code is interrupted (re-sent until it stops, since code may swallow one KeyboardInterrupt); if it
 * has not settled after the grace period, the child is killed and restarted. A crash restarts too.
 */

import { setTimeout as sleep } from "node:timers/promises";
import type { DriverExec } from "../driver-result.js";
import type { ExecClock } from "../exec-clock.js";
import type { ExecResult } from "../types.js";
import type { PythonChild } from "./python-child.js";
import {
  crashedMessage,
  interruptedMessage,
  isMemoryError,
  killedMessage,
  type StopReason,
} from "./stop-messages.js";

export interface SupervisedRun {
  child: PythonChild;
  run: () => Promise<DriverExec>;
  /** The exec's deadline: it counts Python's own time, paused while host calls are in flight. */
  clock: ExecClock;
  graceMs: number;
  signal: AbortSignal | undefined;
  /** Cancels the host-side queries this exec started (they would otherwise outlive it). */
  abortQueries: () => void;
  restart: () => Promise<PythonChild>;
}

export type SupervisedOutcome = Omit<ExecResult, "elapsedMs">;

type Settled = { ok: true; value: DriverExec } | { ok: false; error: unknown };

const INTERRUPT_REPEAT_MS = 100;
/**
 * The reason the stop watcher is dropped with: any value but undefined, for which abort() builds a
 * DOMException (~100 µs, every exec).
 */
const SETTLED = "settled";

export async function runSupervised(options: SupervisedRun): Promise<SupervisedOutcome> {
  const settled: Promise<Settled> = options.run().then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
  const stopper = new AbortController();
  const stop = waitForStop(options.clock, options.signal, stopper.signal);
  const first = await Promise.race([settled, stop]);
  stopper.abort(SETTLED);
  options.clock.stop();
  if (first === "timeout" || first === "aborted") return await stopRun(options, settled, first);
  return await finish(options, first, undefined);
}

async function stopRun(
  options: SupervisedRun,
  settled: Promise<Settled>,
  reason: StopReason,
): Promise<SupervisedOutcome> {
  options.abortQueries();
  options.child.interrupt();
  const repeat = setInterval(() => options.child.interrupt(), INTERRUPT_REPEAT_MS);
  const grace = sleep(options.graceMs, "grace" as const);
  const outcome = await Promise.race([settled, grace]);
  clearInterval(repeat);
  if (outcome !== "grace") return await finish(options, outcome, reason);
  options.child.kill();
  await options.child.exited;
  const stderr = options.child.takeStderr();
  await options.restart();
  const error = killedMessage(reason, options.clock.timeoutMs, options.graceMs);
  return empty({ error, stderr, restarted: true, stopped: reason });
}

async function finish(
  options: SupervisedRun,
  result: Settled,
  reason: StopReason | undefined,
): Promise<SupervisedOutcome> {
  if (result.ok) {
    const { value } = result;
    const stopped: ExecResult["stopped"] = reason ?? (isMemoryError(value.error) ? "memory" : undefined);
    const note = reason === undefined ? undefined : interruptedMessage(reason, options.clock.timeoutMs);
    const error = note === undefined ? (value.error ?? undefined) : `${note}\n${value.error ?? ""}`.trimEnd();
    return {
      stdout: value.stdout,
      stderr: value.stderr,
      error,
      answer: value.answer ?? undefined,
      restarted: false,
      variables: value.variables,
      ...(stopped === undefined ? {} : { stopped }),
    };
  }
  // The child ended (or broke the protocol) while running the code: start a new one.
  options.child.kill();
  const exit = await options.child.exited;
  const stderr = options.child.takeStderr();
  await options.restart();
  return empty({ error: crashedMessage(exit), stderr, restarted: true, stopped: reason ?? "crashed" });
}

function empty(
  fields: Pick<SupervisedOutcome, "error" | "stderr" | "restarted" | "stopped">,
): SupervisedOutcome {
  return { stdout: "", answer: undefined, variables: [], ...fields };
}

function waitForStop(
  clock: ExecClock,
  signal: AbortSignal | undefined,
  done: AbortSignal,
): Promise<StopReason> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve("aborted");
    void clock.expired.then(resolve);
    const onAbort = () => resolve("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    done.addEventListener("abort", () => signal?.removeEventListener("abort", onAbort));
  });
}
