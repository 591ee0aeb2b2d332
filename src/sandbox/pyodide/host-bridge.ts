/**
 * Host side of the blocking bridge: answers each `_rlm_host_call` the worker posts (through the
 * shared `answerHostCall`: queries via `onQuery`, fired all at once since concurrency is the model
 * pool's to limit, and tool calls) and sends the reply (the sandbox host process then wakes the
 * worker's `Atomics.wait`). The exec's clock is paused while a call is answered (see ExecClock). When the exec is stopped, pending calls are answered at once with errors,
 * so Python can take its KeyboardInterrupt without waiting for slow handlers.
 */
import type { ExecClock } from "../exec-clock.js";
import { answerHostCall, type HostCallHandlers, type HostReply } from "../host-calls.js";
import type { BridgeRequest } from "./messages.js";
import type { PyodideWorker } from "./pyodide-worker.js";

export interface BridgeHandlers extends HostCallHandlers {
  /** Aborted when the current exec is stopped or the sandbox closes. */
  signal: () => AbortSignal;
  /** The current call's deadline, paused while a host call is answered (undefined between calls). */
  clock: () => ExecClock | undefined;
}

export function serveBridge(handle: PyodideWorker, handlers: BridgeHandlers): void {
  const decoder = new TextDecoder();
  handle.onBridgeRequest((request: BridgeRequest) => {
    const signal = handlers.signal();
    const endHostCall = handlers.clock()?.hostCallStarted();
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(request.json));
    } catch (error) {
      endHostCall?.();
      reply(handle, request.id, { ok: false, error: `malformed host call: ${String(error)}` });
      return;
    }
    const stop = cancellation(parsed, signal);
    void Promise.race([answerHostCall(parsed, handlers, signal), stop.reply]).then((answer) => {
      stop.dispose();
      endHostCall?.();
      reply(handle, request.id, answer);
    });
  });
}

function reply(handle: PyodideWorker, id: number, answer: HostReply): void {
  let text: string;
  try {
    text = JSON.stringify(answer);
  } catch (error) {
    text = JSON.stringify({
      ok: false,
      error: `the tool returned a value that is not JSON: ${String(error)}`,
    });
  }
  handle.replyBridge({ id, json: Buffer.from(text, "utf8") });
}

/** `reply` settles with error slots once `signal` aborts; `dispose` drops the listener. */
function cancellation(
  request: unknown,
  signal: AbortSignal,
): { reply: Promise<HostReply>; dispose: () => void } {
  let answer = (): void => {};
  const reply = new Promise<HostReply>((resolve) => {
    answer = () => {
      const error = "cancelled: the exec was stopped";
      const prompts = (request as { prompts?: unknown }).prompts;
      if (Array.isArray(prompts)) resolve({ results: prompts.map(() => ({ ok: false, error })) });
      else resolve({ ok: false, error });
    };
  });
  if (signal.aborted) answer();
  else signal.addEventListener("abort", answer, { once: true });
  return { reply, dispose: () => signal.removeEventListener("abort", answer) };
}
