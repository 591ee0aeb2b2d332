import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { type Limits, resolveLimits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import { RunError } from "../rlm/index.js";
import type { CompletionResult } from "../rlm/types.js";
import type { RlmEvent } from "../trace/types.js";
import type { RunTicket } from "./admission.js";
import type { ChatRequest } from "./chat-request.js";
import { completionId } from "./completion-response.js";
import { HttpError } from "./http-error.js";
import { requestContext } from "./request-context.js";
import type { RlmServerOptions } from "./server-options.js";

/**
 * One chat request's RLM run, whatever wire protocol asked for it (OpenAI or Ollama): picks the
 * root model, splits the messages into context and query, waits for its turn among the admitted
 * runs, aborts the run when the client goes away, and turns a failed run into an RlmError. The
 * protocol handlers only write bytes.
 */

const HEARTBEAT_MS = 15_000;

export interface RunHooks {
  /** Called once the request is valid, just before the run starts (a stream sends its headers). */
  start(id: string, created: number): void;
  /** A progress note while the run works (SSE comments); also called every 15 s as a heartbeat. */
  progress?(text: string): void;
}

export interface RunOutcome {
  id: string;
  /** Unix seconds. */
  created: number;
  /** Undefined when the client went away and the run was aborted (or never started). */
  result: CompletionResult | undefined;
  /** The limits the run had: the server's, tightened by `rlm_limits`. */
  limits: Limits;
}

/**
 * Per-request limits may tighten the server's effective limits, defaults included (the RLM's
 * 30 iterations when the server sets none), never loosen them: a larger value is clamped to the
 * server's, and the response's `rlm.limits` shows what the run got.
 */
export function mergeLimits(server: Limits | undefined, requested: ChatRequest["rlm_limits"]): Limits {
  const effective = resolveLimits(server);
  const merged: Limits = { ...server };
  for (const [name, value] of Object.entries(requested ?? {})) {
    const key = name as keyof Limits;
    const current = effective[key];
    if (value !== undefined) merged[key] = current === undefined ? value : Math.min(current, value);
  }
  return merged;
}

function progressNote(event: RlmEvent): string | undefined {
  if (event.type === "iteration-start") return `depth ${event.depth} iteration ${event.iteration}`;
  if (event.type === "code-end") return `depth ${event.depth} code ran in ${Math.round(event.elapsedMs)} ms`;
  if (event.type === "subcall-end") return `sub-call ${event.id} done (${event.model})`;
  return undefined;
}

export async function runRequest(
  body: ChatRequest,
  response: ServerResponse,
  options: RlmServerOptions,
  ticket: RunTicket,
  hooks: RunHooks,
): Promise<RunOutcome> {
  const rootModel = options.models[body.model];
  if (rootModel === undefined) {
    throw new HttpError("unknown-model", `The model \`${body.model}\` does not exist on this server.`, {
      param: "model",
      hint: `Use one of: ${Object.keys(options.models).join(", ")} (GET /v1/models lists them).`,
    });
  }
  const { context, query, instructions } = await requestContext(body);
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const aborter = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished)
      aborter.abort(new RlmError("aborted", "The client closed the connection."));
  });
  hooks.start(id, created);
  const progress = hooks.progress;
  // A long sub-call can leave a stream silent for minutes; proxies close idle connections.
  const heartbeat = progress ? setInterval(() => progress("working"), HEARTBEAT_MS) : undefined;
  heartbeat?.unref();
  const limits = mergeLimits(options.rlm.limits, body.rlm_limits);
  try {
    // A stream has its headers and heartbeats while it waits, so clients and proxies keep waiting too.
    await ticket.turn(aborter.signal);
  } catch {
    clearInterval(heartbeat);
    return { id, created, result: undefined, limits };
  }
  const joinedInstructions = [options.rlm.instructions, instructions].filter(Boolean).join("\n\n");
  const engine = options.createEngine({
    ...options.rlm,
    model: rootModel,
    limits,
    ...(joinedInstructions ? { instructions: joinedInstructions } : {}),
    // With the request's context inside (up to 16 MB): `rlm replay` needs nothing but the file.
    ...(options.traceDirectory
      ? { trace: join(options.traceDirectory, `${id}.jsonl`), recordContext: true }
      : {}),
    onEvent: (event) => {
      const note = progress ? progressNote(event) : undefined;
      if (note) progress?.(note);
    },
  });
  const result = await engine
    .completion(context, query, { signal: aborter.signal })
    // A failed run rejects with what it did; answered below as any failed run is.
    .catch((error: unknown) => {
      if (error instanceof RunError) return error.result;
      throw error;
    })
    .finally(() => clearInterval(heartbeat));
  if (aborter.signal.aborted) return { id, created, result: undefined, limits };
  if (result.stopReason === "error") {
    // The status and OpenAI type follow the failure's own code (a backend down is a 502).
    throw new RlmError(
      result.failure?.code ?? "run-failed",
      `The RLM run failed: ${result.error ?? "unknown error"}`,
      {
        hint: "Check the backend with `rlm doctor`; the trajectory (if tracing) shows the failing step.",
        cause: result.failure,
      },
    );
  }
  return { id, created, result, limits };
}
