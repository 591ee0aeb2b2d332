/**
 * The last model call after a limit stopped the loop: the model is told why and asked for its best
 * answer from what it found, and whatever it says becomes the answer (FINAL(...) if it used it,
 * else its prose). This call ignores the run's budget signal (which has fired) but not the
 * caller's own signal. It has a window of its own that never reaches past the wall time plus a
 * short grace (`limits.finalAnswerGraceMs`), so a hung backend cannot stretch a `--timeout 5s` run
 * into minutes: when the window closes the call (and reading a FINAL_VAR) is abandoned.
 */

import { DEFAULT_FINAL_ANSWER_GRACE_MS, describeStop } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import type { ChatMessage, ChatResult } from "../models/types.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import { chatWithinWindow } from "./compaction.js";
import type { RlmNode } from "./node.js";
import { parseReply } from "./parse-reply.js";
import { finalAnswerRequest } from "./prompts.js";
import type { Run } from "./run.js";

/** A stuck backend must not hold the run forever after a limit without a time limit. */
const LAST_CALL_TIMEOUT_MS = 120_000;

export interface LastCallOutcome {
  answer: string;
  record: IterationRecord;
}

export async function lastCall(
  node: RlmNode,
  reason: StopReason,
  iteration: number,
  queryStart?: number,
): Promise<LastCallOutcome> {
  const { run, conversation } = node;
  const started = performance.now();
  const request: ChatMessage = {
    role: "user",
    content: finalAnswerRequest(describeStop(reason, run.limits)),
  };
  // The output of the interrupted turn may be the last message: keep roles alternating.
  const previous = conversation.at(-1);
  if (previous?.role === "user") previous.content = `${previous.content}\n\n${request.content}`;
  else conversation.push(request);
  const window = lastCallWindow(run, reason);
  if (window.ms <= 0) throw window.expired();
  const closes = new AbortController();
  const timer = setTimeout(() => closes.abort(window.expired()), window.ms);
  const signal = run.callerSignal ? AbortSignal.any([run.callerSignal, closes.signal]) : closes.signal;
  try {
    const callOptions = {
      ...run.options.rootOptions,
      maxTokens: run.options.rootOptions?.maxTokens ?? node.replyTokens.own,
      timeoutMs: window.ms,
      signal,
      ...run.recording(node.sites.final(iteration), node.model.spec),
    };
    // The window is full: the query, the latest output and the request still fit, maybe.
    const { reply } = await chatWithinWindow(node, queryStart, callOptions);
    conversation.push({ role: "assistant", content: reply.text });
    run.emit({ type: "model-reply", depth: node.depth, iteration, text: reply.text, usage: reply.usage });
    const parsed = parseReply(reply.text);
    let answer = parsed.prose;
    if (parsed.final?.kind === "text") answer = parsed.final.text;
    else if (parsed.final?.kind === "variable")
      answer = (await untilAborted(node.sandbox.getVar(parsed.final.name), signal)) ?? parsed.prose;
    return { answer, record: lastRecord(request, reply, answer, iteration, node.depth, reason, started) };
  } catch (error) {
    // The window closing is reported as such, whatever the pool made of the abort.
    throw closes.signal.aborted && !run.callerSignal?.aborted ? closes.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

interface LastCallWindow {
  ms: number;
  expired: () => RlmError;
}

/**
 * The best-answer call's window: its own timeout, cut to what is left until the wall time plus
 * the grace. When the time limit is what stopped the run, that is the grace itself (less the few
 * milliseconds the loop took to stop).
 */
function lastCallWindow(run: Run, reason: StopReason): LastCallWindow {
  const grace = run.limits.finalAnswerGraceMs ?? DEFAULT_FINAL_ANSWER_GRACE_MS;
  const deadline = run.budget.deadline;
  if (deadline === undefined) {
    return { ms: LAST_CALL_TIMEOUT_MS, expired: () => windowClosed(`${LAST_CALL_TIMEOUT_MS} ms`) };
  }
  const ms = Math.min(LAST_CALL_TIMEOUT_MS, deadline + grace - Date.now());
  const what =
    reason === "timeout"
      ? `the ${grace} ms grace after the time limit`
      : `the time limit plus its ${grace} ms grace`;
  return { ms, expired: () => windowClosed(what) };
}

function windowClosed(what: string): RlmError {
  return new RlmError("timeout", `No best answer came within ${what}.`, {
    hint: "Raise limits.timeoutMs (--timeout) or limits.finalAnswerGraceMs (--final-answer-grace), or check that the backend answers.",
  });
}

/** `work`, or undefined once `signal` aborts (the sandbox may still be busy stopping code). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function lastRecord(
  request: ChatMessage,
  reply: ChatResult,
  answer: string,
  iteration: number,
  depth: number,
  reason: StopReason,
  started: number,
): IterationRecord {
  return {
    type: "iteration",
    iteration,
    timestamp: new Date().toISOString(),
    depth,
    prompt: [request],
    response: reply.text,
    ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
    code_blocks: [],
    final_answer: answer,
    iteration_time: (performance.now() - started) / 1000,
    usage: reply.usage,
    stop_reason: reason,
  };
}
