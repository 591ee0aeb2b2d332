/**
 * What the model is told when an exec ends early. The wording matters: the model must learn whether
 * its variables survived, so it can carry on or rebuild them.
 */

import { OWN_TIME } from "../exec-clock.js";
import type { ChildExit } from "./python-child.js";
import { describeExit } from "./python-child.js";

export type StopReason = "timeout" | "aborted";

export function interruptedMessage(reason: StopReason, timeoutMs: number): string {
  const why = reason === "timeout" ? `ran longer than ${timeoutMs} ms ${OWN_TIME}` : "was cancelled";
  return `The code ${why} and was interrupted (KeyboardInterrupt). Variables defined before the interrupt are kept.`;
}

export function killedMessage(reason: StopReason, timeoutMs: number, graceMs: number): string {
  const why = reason === "timeout" ? `ran longer than ${timeoutMs} ms ${OWN_TIME}` : "was cancelled";
  return (
    `The code ${why} and did not stop within ${graceMs} ms of being interrupted, so the Python process ` +
    `was killed and restarted: every variable was lost (the context was loaded again).`
  );
}

export function crashedMessage(exit: ChildExit | undefined): string {
  const how = exit === undefined ? "ended" : `ended (${describeExit(exit)})`;
  const memory =
    exit?.signal === "SIGKILL" && exit.reason === undefined ? " It may have run out of memory." : "";
  return (
    `The Python process ${how} while running this code.${memory} It was restarted: every variable ` +
    `was lost (the context was loaded again).`
  );
}

export const IDLE_RESTART_NOTICE =
  "[sandbox] The Python process had ended since the last block and was restarted: every variable was " +
  "lost (the context was loaded again).\n";

/** The last line of a traceback names the exception; a MemoryError is the memory cap at work. */
export function isMemoryError(traceback: string | null): boolean {
  if (traceback === null) return false;
  const lines = traceback.trimEnd().split("\n");
  return (lines[lines.length - 1] ?? "").startsWith("MemoryError");
}
