import { RlmError } from "../errors/index.js";
import type { CompletionResult } from "./types.js";

/**
 * Why `completion()` rejected: the run failed and produced no answer (a backend down, a sandbox
 * that broke, a replay that left its record). Its `code`, message and hint are the failure's own,
 * from the catalogue; `result` keeps what the run did up to the failure (usage per model, turns,
 * sub-calls, the trajectory's path). A run a limit stopped does not reject: it resolves with its
 * best answer and the limit as `stopReason`.
 */
export class RunError extends RlmError {
  readonly result: CompletionResult;

  constructor(result: CompletionResult) {
    const failure = result.failure;
    super(failure?.code ?? "run-failed", result.error ?? failure?.message ?? "The run failed.", {
      hint:
        failure?.hint ??
        "Run `rlm doctor` to check the backends and the sandbox; the trajectory (if any) shows the failing step.",
      cause: failure,
      ...(failure !== undefined ? { isRetryable: failure.isRetryable } : {}),
      ...(failure?.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    });
    this.name = "RunError";
    this.result = result;
  }

  /** Tokens, calls and cost per model spent before the failure. */
  get usage(): CompletionResult["usage"] {
    return this.result.usage;
  }

  get tracePath(): string | undefined {
    return this.result.tracePath;
  }
}
