import { isRlmError } from "../errors/index.js";

/**
 * Exit codes of the `rlm` command, one per kind of trouble so scripts can react without parsing
 * messages. Documented in the README ("Exit codes").
 */
export const EXIT = {
  /** The question was answered. */
  ok: 0,
  /** Something unexpected (a bug): the message says what. `rlm doctor` also exits 1 when a check fails. */
  internal: 1,
  /** Bad flags, a bad config file, an invalid model spec, a missing API key. */
  usage: 2,
  /** An input problem: missing file, binary file, empty input, nothing given (or, for `view`, a bad trajectory file). */
  input: 3,
  /** A model backend problem: unreachable, model not pulled, key refused, server errors. */
  backend: 4,
  /** The Python sandbox could not start or broke down. */
  sandbox: 5,
  /** A limit (iterations, tokens, cost, time, sub-calls, errors) stopped the run; the best answer so far was printed. */
  limit: 6,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

const USAGE_CODES = new Set(["invalid-config", "invalid-model-spec", "missing-api-key", "usage"]);
const BACKEND_CODES = new Set([
  "backend-unreachable",
  "connection-error",
  "model-not-found",
  "authentication-failed",
  "rate-limited",
  "quota-exceeded",
  "server-error",
  "malformed-response",
  "stream-interrupted",
  "not-found",
  "bad-request",
  "context-overflow",
  "timeout",
  "run-failed",
]);

export function exitCodeFor(error: unknown): number {
  if (!isRlmError(error)) return EXIT.internal;
  const { code } = error;
  if (code.startsWith("input-") || code.startsWith("trace-")) return EXIT.input;
  if (code.startsWith("config-") || USAGE_CODES.has(code)) return EXIT.usage;
  if (code.startsWith("sandbox-")) return EXIT.sandbox;
  if (code === "aborted") return EXIT.interrupted;
  if (code === "budget-exceeded") return EXIT.limit;
  if (BACKEND_CODES.has(code)) return EXIT.backend;
  return EXIT.internal;
}
