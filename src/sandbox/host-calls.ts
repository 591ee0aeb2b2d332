/**
 * Answers the Python driver's `_rlm_host_call` requests (shared by every runtime): `query` runs
 * `onQuery` once per prompt, all at once (concurrency is the model pool's to limit), and returns the
 * results in input order with failures as `{ok: false}` slots. A batched query (`batch: true`) is
 * first shown whole to `onBatch`, the preflight: it may refuse the batch (`{refused}`, raised in
 * Python before any prompt is sent), and a dry run (`dryRun: true`) answers its estimate
 * (`{estimate}`) and sends nothing. `tool` runs a host tool. Never
 * throws: every failure is a reply Python can raise. `hostCallReply` adds what the sandbox core
 * needs around it: the exec's clock paused meanwhile, and an answer at once when the exec is stopped.
 */

import { z } from "zod";
import type { ExecClock } from "./exec-clock.js";
import { pythonErrorName } from "./tools.js";
import type { BatchHandler, QueryHandler, QuerySlot, SandboxTool } from "./types.js";

const hostRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("query"),
    kind: z.enum(["llm", "rlm"]),
    model: z.string().nullable(),
    prompts: z.array(z.string()),
    /** Sent by the batched forms: the preflight sees the batch whole before any prompt goes out. */
    batch: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("tool"),
    name: z.string(),
    args: z.array(z.unknown()),
    kwargs: z.record(z.unknown()),
  }),
]);

export type { QuerySlot };
export type HostReply =
  | { results: QuerySlot[] }
  | { estimate: Record<string, unknown> }
  | { refused: string }
  | { ok: true; value: unknown }
  | { ok: false; error: string; errorType?: string };

export interface HostCallHandlers {
  onQuery?: QueryHandler | undefined;
  onBatch?: BatchHandler | undefined;
  tools?: Record<string, SandboxTool> | undefined;
}

export async function answerHostCall(
  request: unknown,
  handlers: HostCallHandlers,
  signal: AbortSignal,
): Promise<HostReply> {
  const parsed = hostRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, error: `malformed host call: ${parsed.error.message}` };
  const call = parsed.data;
  if (call.type === "query") {
    const model = call.model ?? undefined;
    const dryRun = call.dryRun === true;
    let settledHook: ((results: QuerySlot[]) => void) | undefined;
    if (call.batch === true && handlers.onBatch !== undefined) {
      try {
        const verdict = await handlers.onBatch(
          { prompts: call.prompts, model, kind: call.kind, dryRun },
          signal,
        );
        if (dryRun) return { estimate: verdict.estimate };
        settledHook = verdict.settled;
      } catch (error) {
        return { refused: describe(error) };
      }
    } else if (dryRun) {
      return { estimate: { prompts: call.prompts.length, prompt_chars: totalChars(call.prompts) } };
    }
    const { onQuery } = handlers;
    if (onQuery === undefined) {
      const error = "no model is connected to this sandbox (it was created without onQuery)";
      return { results: call.prompts.map(() => ({ ok: false, error })) };
    }
    const settled = await Promise.allSettled(
      call.prompts.map((prompt) => onQuery({ prompt, model, kind: call.kind }, signal)),
    );
    const results = settled.map(toSlot);
    settledHook?.(results);
    return { results };
  }
  const tool = handlers.tools?.[call.name];
  if (tool === undefined) return { ok: false, error: `no tool named ${call.name}` };
  try {
    const value = await tool.handler({ args: call.args, kwargs: call.kwargs });
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    const errorType = pythonErrorName(error);
    return { ok: false, error: describe(error), ...(errorType === undefined ? {} : { errorType }) };
  }
}

function totalChars(prompts: string[]): number {
  let total = 0;
  for (const prompt of prompts) total += prompt.length;
  return total;
}

function toSlot(outcome: PromiseSettledResult<string>): QuerySlot {
  if (outcome.status === "rejected") return { ok: false, error: describe(outcome.reason) };
  if (typeof outcome.value !== "string") return { ok: false, error: "the query handler returned no text" };
  return { ok: true, text: outcome.value };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a call's scope gives a host call: its signal, and a promise that settles when it aborts. */
export interface CallScope {
  signal: AbortSignal;
  /** Settles (never rejects) once `signal` aborts: one listener per call scope, not per host call. */
  stopped: Promise<typeof STOPPED>;
}

const STOPPED = "stopped";

/** A scope for one call into Python: `abort()` cancels its host calls. */
export function callScope(): CallScope & { abort: () => void } {
  const controller = new AbortController();
  const stopped = new Promise<typeof STOPPED>((resolve) => {
    controller.signal.addEventListener("abort", () => resolve(STOPPED), { once: true });
  });
  return { signal: controller.signal, stopped, abort: () => controller.abort() };
}

/**
 * One host call as the sandbox core serves it, as the JSON text of the reply: the exec's clock is
 * paused while it is answered (see ExecClock), and once the call's scope is stopped it is answered
 * at once with errors, so Python can take its KeyboardInterrupt without waiting for slow handlers.
 */
export async function hostCallReply(
  request: unknown,
  handlers: HostCallHandlers,
  scope: CallScope,
  clock: ExecClock | undefined,
): Promise<string> {
  const endHostCall = clock?.hostCallStarted();
  const answer = scope.signal.aborted
    ? STOPPED
    : await Promise.race([answerHostCall(request, handlers, scope.signal), scope.stopped]);
  endHostCall?.();
  try {
    return JSON.stringify(answer === STOPPED ? cancelled(request) : answer);
  } catch (error) {
    return JSON.stringify({
      ok: false,
      error: `the tool returned a value that is not JSON: ${String(error)}`,
    });
  }
}

/** The reply to a host call its exec's stop cut short: error slots for a query, an error for a tool. */
function cancelled(request: unknown): HostReply {
  const error = "cancelled: the exec was stopped";
  const prompts = (request as { prompts?: unknown } | null)?.prompts;
  return Array.isArray(prompts)
    ? { results: prompts.map(() => ({ ok: false, error })) }
    : { ok: false, error };
}
