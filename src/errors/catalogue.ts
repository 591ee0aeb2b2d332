/**
 * The error catalogue: every code an `RlmError` can carry, once, with what each surface makes of
 * it: the `rlm` command's exit code, and the server's HTTP status and OpenAI error `type` and
 * `code` (snake_case, as OpenAI writes its codes). The CLI and the server read this table instead
 * of keeping their own; `docs/errors.md` and the README's exit-code table are generated from it
 * (`npm run docs:errors`) and a test keeps them equal.
 *
 * Adding a code: one entry here. `new RlmError("typo", ...)` does not compile.
 */

/** Exit codes of the `rlm` command, one per kind of trouble so scripts can react without parsing messages. */
export const EXIT = {
  /** The question was answered. */
  ok: 0,
  /** Something unexpected (a bug): the message says what. `rlm doctor` also exits 1 when a check fails. */
  internal: 1,
  /** Bad flags, a bad config file, an invalid model spec, a missing API key. */
  usage: 2,
  /** An input problem: missing file, binary file, empty input, nothing given (or, for `view`, a bad trajectory file). */
  input: 3,
  /** A model backend problem: unreachable, model not pulled, key refused, server errors, llama.cpp failures. */
  backend: 4,
  /** The Python sandbox could not start or broke down. */
  sandbox: 5,
  /** A limit (iterations, tokens, cost, time, sub-calls, errors) stopped the run; the best answer so far was printed. */
  limit: 6,
  /** `rlm replay`: the replay did not reproduce the recorded run (the first difference is shown). */
  diverged: 7,
  /** `rlm batch`: at least one task failed (its result line says why); the others were written. */
  tasksFailed: 8,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitKind = keyof typeof EXIT;

/** What each exit code means, as the README's "Exit codes" table says it. */
export const EXIT_MEANINGS: Record<ExitKind, string> = {
  ok: "answered",
  internal: "unexpected error (a bug: please report it); for `rlm doctor`: at least one check failed",
  usage: "usage or configuration: bad flag, bad config file, invalid model spec, missing API key",
  input:
    "input: file not found, binary file, empty input, no input, input too large; for `rlm view`, a missing or malformed trajectory",
  backend:
    "backend: server unreachable, model not pulled, API key refused, server errors; llama.cpp: model file, download, memory, window too small, node-llama-cpp missing",
  sandbox: "sandbox: Python could not start or broke down",
  limit:
    "a limit (iterations, tokens, cost, time, sub-calls, errors) stopped the run before the model submitted an answer; its best answer so far was printed",
  diverged: "`rlm replay`: the replay did not reproduce the recorded run; the first difference was shown",
  tasksFailed:
    "`rlm batch`: at least one task failed (its line in the results file says why; `--retry-failed` runs the failed ones again)",
  interrupted: "interrupted (Ctrl-C)",
};

/** OpenAI's error `type` values the server uses (plus `upstream_error` and `timeout_error` for backends). */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "rate_limit_error"
  | "upstream_error"
  | "timeout_error"
  | "server_error";

export interface ErrorEntry {
  /** The `rlm` command's exit code when this error ends it (an `EXIT` name). */
  exit: Exclude<ExitKind, "ok">;
  /** The server's HTTP status when this error ends a request. */
  status: number;
  /** OpenAI's error `type` in the server's error body. */
  type: OpenAIErrorType;
  /** OpenAI's `code` on the wire when it is not the code in snake_case (the server's own 404s and 405). */
  openaiCode?: string;
  /** When it happens, in a few words (docs/errors.md). */
  meaning: string;
}

const serverError = { status: 500, type: "server_error" } as const;
const badRequest = { status: 400, type: "invalid_request_error" } as const;
const upstream = { status: 502, type: "upstream_error" } as const;
const rateLimit = { status: 429, type: "rate_limit_error" } as const;

export const ERRORS = {
  // The command line and configuration.
  usage: { exit: "usage", ...serverError, meaning: "the command was used wrongly (an empty question)" },
  "invalid-config": {
    exit: "usage",
    ...serverError,
    meaning: "a setting cannot be used: config file, option, limit, OLLAMA_HOST, server limits",
  },
  "config-not-found": { exit: "usage", ...serverError, meaning: "the config file given does not exist" },
  "config-insecure-bind": {
    exit: "usage",
    ...serverError,
    meaning: "the server was asked to listen beyond loopback without an API key",
  },
  "invalid-model-spec": { exit: "usage", ...badRequest, meaning: "a model spec that cannot be read" },
  "context-window-unknown": {
    exit: "usage",
    ...serverError,
    meaning:
      "an AI SDK model's context window is not known (not given, not in the table of known models): the RLM assumes 8,192 tokens and warns",
  },
  "missing-api-key": { exit: "usage", ...upstream, meaning: "the backend's API key variable is not set" },

  // Inputs and trajectories.
  "input-not-found": { exit: "input", ...serverError, meaning: "no such file, or a glob matched nothing" },
  "input-missing": { exit: "input", ...serverError, meaning: "no inputs given and nothing on stdin" },
  "input-binary": { exit: "input", ...badRequest, meaning: "an input is a binary file, not text" },
  "input-empty": { exit: "input", ...badRequest, meaning: "the inputs hold no text" },
  "input-unreadable": { exit: "input", ...badRequest, meaning: "an input (or a PDF) cannot be read" },
  "input-outside-root": {
    exit: "input",
    ...badRequest,
    meaning:
      "`rlm mcp`: a path outside the allowed roots (`--root`, the client's roots), or not a regular file",
  },
  "input-too-large": {
    exit: "input",
    status: 413,
    type: "invalid_request_error",
    meaning: "the inputs are over the input limit, or a file over one string's length",
  },
  "trace-not-found": { exit: "input", ...serverError, meaning: "the trajectory file to view does not exist" },
  "trace-invalid": {
    exit: "input",
    ...serverError,
    meaning: "the trajectory file is not rlm-trajectory JSONL",
  },
  "trace-open-failed": { exit: "input", ...serverError, meaning: "the trajectory file cannot be written" },
  "resume-mismatch": {
    exit: "input",
    ...badRequest,
    meaning:
      "a resume or replay was given another question or other inputs than its trajectory records, or a trajectory it cannot follow",
  },

  // Batch runs (`rlm batch`, `rlm worker`).
  "queue-unreachable": {
    exit: "backend",
    ...serverError,
    meaning: "the Redis of `--queue` does not answer",
  },
  "batch-task-too-large": {
    exit: "input",
    ...badRequest,
    meaning: "a queued task's inline context is over the 8 MiB a job may carry (its result line says so)",
  },

  // Model backends (model calls).
  "backend-unreachable": {
    exit: "backend",
    ...upstream,
    meaning: "nothing listens at the backend's address",
  },
  "connection-error": {
    exit: "backend",
    ...upstream,
    meaning: "the connection was reset or dropped before a reply",
  },
  "stream-interrupted": {
    exit: "backend",
    ...upstream,
    meaning: "the reply or stream stopped before it was complete",
  },
  "malformed-response": {
    exit: "backend",
    ...upstream,
    meaning: "the reply is not the protocol's JSON / SSE / NDJSON",
  },
  "server-error": {
    exit: "backend",
    ...upstream,
    meaning: "5xx, 408, 409, Anthropic 529, an error sent inside a stream",
  },
  "rate-limited": { exit: "backend", ...rateLimit, meaning: "429 (with `retryAfterSeconds`)" },
  "quota-exceeded": { exit: "backend", ...rateLimit, meaning: "OpenAI `insufficient_quota`" },
  "authentication-failed": { exit: "backend", ...upstream, meaning: "401 / 403: the key was refused" },
  "model-not-found": {
    exit: "backend",
    ...upstream,
    meaning: "the backend does not have the model (not pulled, not served, no such file)",
  },
  "not-found": { exit: "backend", ...serverError, meaning: "404 from the backend (base URL or model name)" },
  "bad-request": { exit: "backend", ...serverError, meaning: "another 4xx: the backend refused the request" },
  "context-overflow": {
    exit: "backend",
    ...serverError,
    meaning: "the prompt does not fit the model's window (`ContextOverflowError`)",
  },
  timeout: {
    exit: "backend",
    status: 504,
    type: "timeout_error",
    meaning: "a model call did not finish within its timeout",
  },
  "run-failed": {
    exit: "backend",
    ...upstream,
    meaning: "the run failed on an error that is not an RlmError",
  },

  // The embedded llama.cpp engine and local model files: the backend is this process, so its
  // failures are backend failures (exit 4) like a server's.
  "llamacpp-missing": { exit: "backend", ...serverError, meaning: "node-llama-cpp is not installed" },
  "llamacpp-unavailable": {
    exit: "backend",
    ...serverError,
    meaning: "node-llama-cpp cannot load on this machine",
  },
  "llamacpp-error": { exit: "backend", ...serverError, meaning: "llama.cpp failed while generating" },
  "llamacpp-out-of-memory": {
    exit: "backend",
    ...serverError,
    meaning: "llama.cpp ran out of memory loading a model or creating its context",
  },
  "invalid-grammar": { exit: "backend", ...serverError, meaning: "a GBNF grammar llama.cpp cannot parse" },
  "model-download-failed": {
    exit: "backend",
    ...upstream,
    meaning: "an hf: or URL model could not be downloaded (not retried)",
  },
  "model-file-invalid": {
    exit: "backend",
    ...serverError,
    meaning: "a model file that is not a GGUF file (or cannot be read)",
  },
  "model-load-failed": { exit: "backend", ...serverError, meaning: "llama.cpp could not load a GGUF file" },

  // The Python sandbox.
  "sandbox-start-failed": { exit: "sandbox", ...serverError, meaning: "Python could not start" },
  "sandbox-crashed": { exit: "sandbox", ...serverError, meaning: "the Python process died" },
  "sandbox-driver-failed": { exit: "sandbox", ...serverError, meaning: "the REPL driver broke its protocol" },
  "sandbox-load-failed": { exit: "sandbox", ...serverError, meaning: "a context could not be loaded" },
  "sandbox-context-too-large": {
    exit: "sandbox",
    ...serverError,
    meaning: "a context is over what the sandbox can hold",
  },
  "sandbox-bad-context": {
    exit: "sandbox",
    ...serverError,
    meaning: "a context that is not a string, list or record of strings",
  },
  "sandbox-bad-variable": { exit: "sandbox", ...serverError, meaning: "a variable name Python cannot use" },
  "sandbox-invalid-options": { exit: "sandbox", ...serverError, meaning: "sandbox options out of range" },
  "sandbox-unknown-runtime": {
    exit: "sandbox",
    ...serverError,
    meaning: "a runtime other than pyodide or process",
  },
  "sandbox-closed": { exit: "sandbox", ...serverError, meaning: "the sandbox was used after close()" },
  "sandbox-aborted": {
    exit: "sandbox",
    ...serverError,
    meaning: "a context load was cancelled before it began",
  },
  "sandbox-unbound": {
    exit: "sandbox",
    ...serverError,
    meaning: "llm_query was called outside a completion",
  },

  // Runs, sessions and the model pool.
  "budget-exceeded": {
    exit: "limit",
    ...serverError,
    meaning: "a tree-wide limit stopped the run (`BudgetError`: which limit, spent, limit)",
  },
  aborted: {
    exit: "interrupted",
    ...serverError,
    meaning: "the caller aborted (Ctrl-C, a signal, a client gone)",
  },
  "replay-diverged": {
    exit: "diverged",
    ...serverError,
    meaning: "a replayed run made a call the recorded run did not make, or asked another prompt",
  },
  "pool-closed": { exit: "internal", ...serverError, meaning: "the model pool was used after close()" },
  "session-busy": { exit: "internal", ...serverError, meaning: "a session was asked a query while one runs" },
  "session-closed": { exit: "internal", ...serverError, meaning: "a session was used after close()" },
  "invalid-query": { exit: "internal", ...serverError, meaning: "the query is empty" },
  "model-not-allowed": {
    exit: "internal",
    ...serverError,
    meaning: "the model's code named a model that is not allowed",
  },
  "model-name-ambiguous": {
    exit: "internal",
    ...serverError,
    meaning: "the model's code named a model more than one allowed spec matches",
  },

  // The viewer.
  "viewer-missing": { exit: "internal", ...serverError, meaning: "the viewer page is not installed" },
  "viewer-not-built": { exit: "internal", ...serverError, meaning: "the viewer's script is not built" },
  "viewer-listen-failed": {
    exit: "internal",
    ...serverError,
    meaning: "the viewer cannot listen on its port",
  },

  // The server's own request errors.
  "invalid-request": {
    exit: "internal",
    ...badRequest,
    meaning: "a request body or call that breaks the API",
  },
  "invalid-json": { exit: "internal", ...badRequest, meaning: "the request body is not JSON" },
  "invalid-file": { exit: "internal", ...badRequest, meaning: "an attached file is empty or not base64" },
  "missing-context": {
    exit: "internal",
    ...badRequest,
    meaning: "only a question was sent: no context to read",
  },
  "ambiguous-context": {
    exit: "internal",
    ...badRequest,
    meaning: "the context came both in rlm_context and in earlier messages",
  },
  "invalid-api-key": {
    exit: "internal",
    status: 401,
    type: "authentication_error",
    meaning: "the bearer key is missing or wrong",
  },
  "unknown-model": {
    exit: "internal",
    status: 404,
    type: "invalid_request_error",
    openaiCode: "model_not_found",
    meaning: "the request names a model the server does not serve",
  },
  "unknown-route": {
    exit: "internal",
    status: 404,
    type: "invalid_request_error",
    openaiCode: "not_found",
    meaning: "no such route",
  },
  "method-not-allowed": {
    exit: "internal",
    status: 405,
    type: "invalid_request_error",
    meaning: "the route does not take this method",
  },
  "request-too-large": {
    exit: "internal",
    status: 413,
    type: "invalid_request_error",
    meaning: "the body is over --max-body-mb",
  },
  "unsupported-media-type": {
    exit: "internal",
    status: 415,
    type: "invalid_request_error",
    meaning: "the body is not sent as application/json",
  },
  "misdirected-host": {
    exit: "internal",
    status: 421,
    type: "invalid_request_error",
    meaning: "the Host header is not one the server listens under",
  },
  "server-busy": {
    exit: "internal",
    status: 503,
    type: "server_error",
    meaning: "as many runs as allowed are running and waiting (with Retry-After)",
  },
  "internal-error": { exit: "internal", ...serverError, meaning: "an error that is not an RlmError (a bug)" },

  // The benchmark command (`npm run bench`).
  "bench-unknown-task": { exit: "internal", ...serverError, meaning: "a task name the bench does not have" },
  "bench-bad-option": { exit: "internal", ...serverError, meaning: "a bench option out of range" },
  "bench-bad-size": { exit: "internal", ...serverError, meaning: "a size the bench cannot read (45k, 1M)" },
  "bench-bad-prices": { exit: "internal", ...serverError, meaning: "a price table that cannot be read" },
  "bench-directory-missing": {
    exit: "internal",
    ...serverError,
    meaning: "the codebase task's directory does not exist",
  },
  "bench-directory-empty": {
    exit: "internal",
    ...serverError,
    meaning: "the codebase task's directory has no source files",
  },
} as const satisfies Record<string, ErrorEntry>;

/** Every error code: `RlmError`'s `code` is one of these. */
export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERRORS, value);
}

export function errorEntry(code: ErrorCode): ErrorEntry {
  return ERRORS[code];
}

/** The `rlm` command's exit code for an error code. */
export function exitCodeOf(code: ErrorCode): number {
  return EXIT[errorEntry(code).exit];
}

/** How an error code goes over HTTP: status, OpenAI `type`, and OpenAI `code` (snake_case). */
export function httpErrorOf(code: ErrorCode): { status: number; type: OpenAIErrorType; code: string } {
  const entry = errorEntry(code);
  return { status: entry.status, type: entry.type, code: entry.openaiCode ?? code.replaceAll("-", "_") };
}
