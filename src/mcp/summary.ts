import { isRlmError, RlmError } from "../errors/index.js";
import { thousands } from "../rlm/prompts.js";
import { RunError } from "../rlm/run-error.js";
import type { CompletionResult } from "../rlm/types.js";

/**
 * What `rlm_ask` returns, as text: the answer, then a short usage summary (why the run stopped,
 * turns, sub-calls, time, tokens per model); or, for a failure, the catalogue's message and hint.
 */

function plural(count: number, word: string): string {
  return `${thousands(count)} ${word}${count === 1 ? "" : "s"}`;
}

export function usageSummary(result: CompletionResult): string {
  const lines = [
    `stop: ${result.stopReason} · ${plural(result.iterations, "turn")} · ${plural(result.subCalls, "sub-call")} · ${(result.elapsedMs / 1000).toFixed(1)}s`,
  ];
  let cost = 0;
  for (const [model, totals] of Object.entries(result.usage)) {
    cost += totals.costUsd;
    const cached = totals.cachedCalls ? `, ${plural(totals.cachedCalls, "cached call")}` : "";
    lines.push(
      `${model}: ${plural(totals.calls, "call")}${cached}, ${thousands(totals.promptTokens)} prompt + ${thousands(totals.completionTokens)} completion tokens`,
    );
  }
  if (cost > 0) lines.push(`cost: $${cost.toFixed(4)}`);
  if (result.stopReason !== "answer") {
    lines.push(
      `The run was stopped by ${result.stopReason} before the model submitted an answer: the answer is its best so far.`,
    );
  }
  return lines.join("\n");
}

export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  isError?: boolean;
}

export function answerResult(result: CompletionResult): ToolResult {
  return {
    content: [
      { type: "text", text: result.answer },
      { type: "text", text: usageSummary(result) },
    ],
  };
}

/** A failure as a tool error: the code, the message and the hint (what to do). */
export function errorResult(error: RlmError): ToolResult {
  const text = `rlm_ask failed (${error.code}): ${error.message}${error.hint ? `\n→ ${error.hint}` : ""}`;
  return { content: [{ type: "text", text }], isError: true };
}

/**
 * The failure of a finished run: a run that ended in an error, or a limit whose best-answer call
 * left no answer. The code is the failure's own (a backend down is `backend-unreachable`).
 */
export function failedRunError(result: CompletionResult): RlmError | undefined {
  if (result.stopReason === "error") return new RunError(result);
  if (result.stopReason !== "answer" && result.answer === "") {
    const failure = result.failure;
    return new RlmError(
      failure?.code ?? "budget-exceeded",
      `The run was stopped by ${result.stopReason} and there is no best answer: ${result.error ?? "the model gave none"}.`,
      { hint: "Raise the limit (--max-iterations, --timeout, ...) in the server's configuration." },
    );
  }
  return undefined;
}

/** Any thrown value as an RlmError (an unexpected one is `internal-error`). */
export function asRlmError(error: unknown): RlmError {
  if (isRlmError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RlmError("internal-error", `Unexpected error: ${message}`, {
    hint: "This is a bug; please report it with the server's stderr.",
    cause: error,
  });
}
