/**
 * What the model is told when a call ends early, the same for every runtime. The wording matters:
 * the model must learn whether its variables survived, so it can carry on or rebuild them.
 */

import { OWN_TIME } from "../exec-clock.js";
import type { TransportExit } from "./transport.js";

export type StopReason = "timeout" | "aborted";

/** What was stopped: an exec's code, a context load, a getVar. */
export type Subject = "code" | "load" | "call";

function why(subject: Subject, reason: StopReason, timeoutMs: number): string {
  const done = reason === "timeout" ? `ran longer than ${timeoutMs} ms ${OWN_TIME}` : "was cancelled";
  return `The ${subject} ${done}`;
}

/** The call stopped at the interrupt; one line, before the traceback or the driver's message. */
export function interruptedMessage(subject: Subject, reason: StopReason, timeoutMs: number): string {
  return `${why(subject, reason, timeoutMs)} and was interrupted (KeyboardInterrupt). Variables defined before the interrupt are kept.`;
}

export function killedMessage(
  subject: Subject,
  reason: StopReason,
  timeoutMs: number,
  graceMs: number,
): string {
  return (
    `${why(subject, reason, timeoutMs)} and did not stop within ${graceMs} ms of being interrupted, so the ` +
    `Python process was killed and restarted: every variable was lost (the context was loaded again).`
  );
}

export function crashedMessage(exit: TransportExit): string {
  const memory = exit.memory === "possible" ? " It may have run out of memory." : "";
  return (
    `The Python process ended (${exit.reason}) while running this code.${memory} It was restarted: ` +
    `every variable was lost (the context was loaded again).`
  );
}

export const NOT_RUN_MESSAGE = "The code was cancelled before it ran.";

export const IDLE_RESTART_NOTICE =
  "[sandbox] The Python process had ended since the last block and was restarted: every variable was " +
  "lost (the context was loaded again).\n";

/** The last line of a traceback names the exception; a MemoryError is the memory cap at work. */
export function isMemoryError(traceback: string | null): boolean {
  if (traceback === null) return false;
  const lines = traceback.trimEnd().split("\n");
  return (lines[lines.length - 1] ?? "").startsWith("MemoryError");
}
