/**
 * A task's result line, in the format its input line came in. The rlm format: `id`, `status`
 * (`ok` or `failed`), `answer`, `stop_reason`, `usage` per model, `iterations`, `sub_calls`,
 * `elapsed_ms`, `trajectory` and `error`. OpenAI's Batch API output format for OpenAI lines:
 * `id`, `custom_id`, `response` (`status_code`, `request_id`, `body`: a `chat.completion` with the
 * run's detail in `rlm`, or an error body) and `error` (for a line that could not be read).
 */

import { randomUUID } from "node:crypto";
import { httpErrorOf, isErrorCode } from "../errors/index.js";
import type { CompletionResult } from "../rlm/types.js";
import { completionBody } from "../server/completion-response.js";
import { isFailed, type TaskFormat, type TaskOutcome } from "./task.js";

const hex = () => randomUUID().replaceAll("-", "");

/** A task's outcome as the library's result (a bad line's `invalid` stop as `error`); no error fields. */
export function completionOf(outcome: TaskOutcome): CompletionResult {
  return {
    answer: outcome.answer ?? "",
    stopReason: outcome.stopReason === "invalid" ? "error" : outcome.stopReason,
    usage: outcome.usage,
    iterations: outcome.iterations,
    subCalls: outcome.subCalls,
    depth: outcome.depth,
    elapsedMs: outcome.elapsedMs,
    tracePath: outcome.trajectory ?? undefined,
  };
}

function rlmLine(outcome: TaskOutcome) {
  return {
    id: outcome.id,
    status: isFailed(outcome) ? "failed" : "ok",
    answer: outcome.answer,
    stop_reason: outcome.stopReason,
    usage: outcome.usage,
    iterations: outcome.iterations,
    sub_calls: outcome.subCalls,
    elapsed_ms: Math.round(outcome.elapsedMs),
    trajectory: outcome.trajectory,
    error: outcome.error,
  };
}

function openAiLine(outcome: TaskOutcome, model: string) {
  const id = `batch_req_${hex()}`;
  const stopReason = outcome.stopReason;
  if (stopReason === "invalid") {
    return {
      id,
      custom_id: outcome.id,
      response: null,
      error: { code: "invalid_request", message: outcome.error?.message ?? "invalid line" },
    };
  }
  const request_id = `req_${hex()}`;
  if (isFailed(outcome)) {
    const code = outcome.error?.code;
    const http = isErrorCode(code) ? httpErrorOf(code) : httpErrorOf("run-failed");
    return {
      id,
      custom_id: outcome.id,
      response: {
        status_code: http.status,
        request_id,
        body: {
          error: { message: outcome.error?.message ?? "The run failed.", type: http.type, code: http.code },
          rlm: { trajectory: outcome.trajectory, usage: outcome.usage },
        },
      },
      error: null,
    };
  }
  const body = completionBody(
    `chatcmpl-rlm-${hex()}`,
    model,
    Math.floor(Date.now() / 1000),
    completionOf(outcome),
  );
  return {
    id,
    custom_id: outcome.id,
    response: {
      status_code: 200,
      request_id,
      body: { ...body, rlm: { ...body.rlm, trajectory: outcome.trajectory } },
    },
    error: null,
  };
}

/** `model`: the name echoed in an OpenAI body (the line's own `body.model`, else the root spec). */
export function resultLine(outcome: TaskOutcome, format: TaskFormat, model?: string): object {
  return format === "openai" ? openAiLine(outcome, model ?? outcome.model) : rlmLine(outcome);
}
