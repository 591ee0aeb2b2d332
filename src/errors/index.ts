/**
 * Errors: one `RlmError` base that every module extends. An error carries a code from the
 * catalogue (`catalogue.ts`: its exit code, HTTP status and OpenAI type), what a user needs to act
 * on it (`hint`), and whether repeating the same call could succeed (`isRetryable`), so that the
 * model pool decides retries from the error alone and the CLI and server render it in one place.
 */

import type { ErrorCode } from "./catalogue.js";

export interface RlmErrorOptions {
  /** What to do about it, in one sentence a user can follow ("run `ollama pull qwen3:4b`"). */
  hint?: string;
  /** Whether the same call may succeed if repeated (429, 5xx, dropped connection). */
  isRetryable?: boolean;
  /** Seconds the server asked us to wait (from `Retry-After`), when it said. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class RlmError extends Error {
  /** Stable machine-readable code from the catalogue, e.g. `model-not-found`, `budget-exceeded`. */
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: RlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RlmError";
    this.code = code;
    this.hint = options.hint;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Message plus hint, as the CLI prints it. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
  }
}

export function isRlmError(error: unknown): error is RlmError {
  return error instanceof RlmError;
}

export {
  ERROR_CODES,
  ERRORS,
  type ErrorCode,
  type ErrorEntry,
  EXIT,
  EXIT_MEANINGS,
  type ExitKind,
  errorEntry,
  exitCodeOf,
  httpErrorOf,
  isErrorCode,
  type OpenAIErrorType,
} from "./catalogue.js";
