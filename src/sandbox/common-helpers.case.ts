/**
 * Helpers shared by the parts of the sandbox suite: a case that a runtime may skip by naming the
 * feature (the reason shows in the test output), and small real query handlers.
 */

import { it } from "vitest";
import type { SandboxFeature, SandboxUnderTest } from "./common.case.js";
import type { QueryHandler } from "./types.js";

export function featureIt(
  runtime: SandboxUnderTest,
  feature: SandboxFeature,
  title: string,
  body: () => Promise<void>,
): void {
  const reason = runtime.skip?.[feature];
  if (reason === undefined) it(title, body);
  else it.skip(`${title} [skipped ${feature}: ${reason}]`, body);
}

/** Answers `kind:model:PROMPT`; a prompt containing "FAIL" is rejected, like a failing sub-call. */
export const upperCaseHandler: QueryHandler = async ({ prompt, model, kind }) => {
  await new Promise((resolve) => setImmediate(resolve));
  if (prompt.includes("FAIL")) throw new Error(`sub-call failed for ${prompt}`);
  return `${kind}:${model ?? "default"}:${prompt.toUpperCase()}`;
};

/**
 * A handler that holds every call until `expected` calls are in flight at once (or a safety delay
 * passed), recording the most seen together: a batch that is not concurrent shows up as max < expected.
 */
export function barrierHandler(expected: number): { handler: QueryHandler; maxInFlight: () => number } {
  let inFlight = 0;
  let most = 0;
  const waiting: Array<() => void> = [];
  const handler: QueryHandler = async ({ prompt }) => {
    inFlight++;
    most = Math.max(most, inFlight);
    if (inFlight >= expected) for (const release of waiting.splice(0)) release();
    else
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 5_000);
      });
    inFlight--;
    return `done ${prompt}`;
  };
  return { handler, maxInFlight: () => most };
}
