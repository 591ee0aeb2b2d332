/**
 * The Sandbox contract: a persistent Python REPL that holds the context and runs the root model's
 * code. Types only; runtimes (runtimes.ts) implement it, `src/rlm` consumes it.
 */

import type { SandboxRuntimeName } from "./runtimes.js";

/** A JSON value, as Python gets it (`json.loads`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A text file that stays on disk: Python reads it a window at a time (a lazy context, see
 * context-file.ts and python/lazy_context.py). Made by `ContextFile.open(path)`; only that class's
 * objects are taken as files.
 */
export interface LazyFile {
  readonly path: string;
  readonly byteLength: number;
  /** The decoded start of the file, for the first message. */
  readonly preview: string;
  readonly modifiedMs: number;
  /** `length` bytes at `offset` (fewer at the end), behind `prefix` free bytes of the buffer. */
  read(offset: number, length: number, prefix?: number): Promise<Uint8Array>;
}

/**
 * What a user can load as `context`: a string, a list of parts, or named parts (path -> content).
 * Parts that are all strings stream in without a copy; a list or dict with other JSON values
 * (`{"number": 42}`, `[1, 2, "four"]`) is loaded as its JSON, as the official rlm accepts it. A
 * `LazyFile`, or a list or dict of them, is not loaded at all: Python reads it as it goes.
 */
export type ContextInput =
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }
  | LazyFile
  | LazyFile[]
  | { [key: string]: LazyFile };

/** A call from Python to the host: `llm_query` (kind "llm") or `rlm_query` (kind "rlm"). */
export interface QueryRequest {
  prompt: string;
  /** The `model=` argument the code passed, if any. */
  model: string | undefined;
  kind: "llm" | "rlm";
}

/**
 * Serves `llm_query` / `rlm_query`. Batched calls arrive as concurrent invocations (one per prompt);
 * a rejected promise becomes an `"[error] ..."` string in Python, never an exception in a batch.
 */
export type QueryHandler = (request: QueryRequest, signal: AbortSignal) => Promise<string>;

/** One prompt's outcome in a batch: its text, or why it failed. */
export type QuerySlot = { ok: true; text: string } | { ok: false; error: string };

/** A batched call (`llm_query_batched`, `rlm_query_batched` and their aliases), seen whole. */
export interface BatchRequest {
  prompts: string[];
  model: string | undefined;
  kind: "llm" | "rlm";
  /** `dry_run=True`: answer the estimate, send nothing. */
  dryRun: boolean;
}

/** What the preflight says of a batch it lets through (or of a dry run). */
export interface BatchVerdict {
  /** JSON-able; handed to Python as a dict by a dry run. */
  estimate: Record<string, unknown>;
  /** Called once with the batch's results when it was sent (not for a dry run). */
  settled?: (results: QuerySlot[]) => void;
}

/**
 * The preflight: sees each batch once, whole, before any of its prompts goes to `onQuery`. It
 * throws to refuse the batch (the message is raised in Python, and nothing is sent); otherwise its
 * verdict lets the batch go out (or, for a dry run, answers the estimate).
 */
export type BatchHandler = (request: BatchRequest, signal: AbortSignal) => Promise<BatchVerdict>;

/**
 * What `tools` may hold under a name: a `SandboxTool`, a plain function (called with the positional
 * arguments, then the keyword arguments as one object if any), or a plain JSON value that Python
 * gets as it is (a dict, a string constant...).
 */
export type ToolInput = SandboxTool | ((...args: never[]) => unknown) | JsonValue;

/**
 * A host function exposed to Python under `name`, called with JSON-able arguments. An error it
 * throws is raised in Python as the builtin exception its `name` gives (`ValueError`), else as
 * `RuntimeError("[error] tool NAME failed: ...")`.
 */
export interface SandboxTool {
  description: string;
  /** Receives the positional and keyword arguments Python passed, returns a JSON-able value. */
  handler: (args: { args: unknown[]; kwargs: Record<string, unknown> }) => Promise<unknown> | unknown;
}

export interface SandboxOptions {
  /**
   * `pyodide` (default): CPython in WebAssembly, locked down. `process`: native python3 via a launcher.
   * `memory`: a fake Python in JavaScript, for tests (see runtimes.ts).
   */
  runtime?: SandboxRuntimeName;
  /**
   * Per-exec limit on Python's own running time. Default 60 000 ms. Time spent waiting on the host
   * (`llm_query`, `llm_query_batched`, `rlm_query`, tools) does not count: the clock pauses while at
   * least one host call is in flight, so a batch of slow sub-model calls never gets the code killed.
   * Those waits are bounded by the run's own time limit (an aborted `signal` cancels the queries in
   * flight) and by the model pool's per-call timeout. Runaway Python is interrupted at the limit,
   * then killed and restarted after a short grace period.
   */
  timeoutMs?: number;
  /** Memory cap for the Python heap, in MB. Default 1024 (pyodide). */
  memoryMb?: number;
  /**
   * Max characters of stdout (and of stderr) kept per exec; the rest is cut (head and tail kept).
   * Default `DEFAULT_MAX_OUTPUT_CHARS` (core/transport.ts), for every runtime.
   */
  maxOutputChars?: number;
  /**
   * For `runtime: "pyodide"`: keep one worker booted ahead of need, taken by the next sandbox with
   * the same settings or by a restart (hides the 0.6-1.5 s boot). Default true; `RLM_SPARE_WORKER=off`
   * also disables it.
   */
  spareWorker?: boolean;
  /**
   * For `runtime: "process"`: the launch command prefix; the driver path is appended.
   * Default `["python3"]`. `["bwrap", ...]` or `["docker", "run", "-i", "--network", "none", ...]` also work.
   */
  command?: string[];
  onQuery?: QueryHandler;
  /** The batch preflight (see `BatchHandler`); without one, every batch goes out as it is. */
  onBatch?: BatchHandler;
  tools?: Record<string, ToolInput>;
}

export interface LoadInfo {
  /** "str" | "list" | "dict" */
  type: "str" | "list" | "dict";
  totalChars: number;
  /** Lengths of the parts (one entry for a str). */
  partLengths: number[];
  /** Names of the parts, for a dict. */
  keys?: string[];
  /** True when the parts are JSON values, not all strings (the context was loaded as JSON). */
  json?: boolean;
  /** True for a lazy context (files read as Python goes): lengths count UTF-8 bytes, not characters. */
  lazy?: boolean;
  /** Bytes that were not valid UTF-8 and were replaced (U+FFFD), if any. */
  replacedBytes: number;
  elapsedMs: number;
  /** Python variable name the context was bound to (`context`, or `context_1`... in sessions). */
  variable: string;
}

export interface VariableInfo {
  name: string;
  type: string;
  /** len() where it has one, else the size of its repr. */
  size: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The traceback (or the reason) when the code raised or was stopped; undefined when it ran clean. */
  error: string | undefined;
  /** The submitted answer, when the code called FINAL / FINAL_VAR or set `answer["ready"] = True`. */
  answer: string | undefined;
  elapsedMs: number;
  /** True when the worker had to be killed and started again: every variable was lost. */
  restarted: boolean;
  /** Why the exec ended early, if it did. */
  stopped?: "timeout" | "memory" | "aborted" | "crashed";
  /** User-defined variables after the exec (for trajectories). */
  variables: VariableInfo[];
}

export interface ExecOptions {
  /** Overrides `SandboxOptions.timeoutMs` for this exec (Python's own time; host waits not counted). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LoadOptions {
  /** Python name to bind. Default `context`. */
  variable?: string;
  signal?: AbortSignal;
}

export interface Sandbox {
  readonly runtime: SandboxRuntimeName;
  /** Loads a context into the REPL (once; bytes go through the filesystem, not the string bridge). */
  load(context: ContextInput | Uint8Array, options?: LoadOptions): Promise<LoadInfo>;
  exec(code: string, options?: ExecOptions): Promise<ExecResult>;
  /** Reads a variable's value as a string (`str(value)`); undefined when it does not exist. */
  getVar(name: string): Promise<string | undefined>;
  close(): Promise<void>;
}
