import type { LanguageModel } from "../models/types.js";
import type { CompletionOptions, CompletionResult, RLMOptions } from "../rlm/types.js";
import type { ContextInput } from "../sandbox/types.js";
import type { StopReason } from "../trace/types.js";

/** What the server needs from an RLM: one completion per request (`RLM` fits). */
export interface CompletionEngine {
  completion(context: ContextInput, query: string, options?: CompletionOptions): Promise<CompletionResult>;
}

export interface RlmServerOptions {
  /**
   * The model names clients may ask for, each mapped to the root model it runs. The first entry is
   * listed first by `/v1/models`. Names not listed get a 404, so a client cannot point the server
   * at arbitrary hosts through `openai-compatible:` specs.
   */
  models: Record<string, string | LanguageModel>;
  /**
   * Options shared by every request's RLM (sub-model, limits, sandbox, pool...); `model` comes from
   * the request. Unless `createPool` is given, every request's calls go through one shared pool
   * built from `pool` and `concurrency`, so the concurrency limit holds across requests.
   */
  rlm: Omit<RLMOptions, "model" | "onEvent" | "trace">;
  /** Builds the engine for one request. */
  createEngine: (options: RLMOptions) => CompletionEngine;
  /** When set, every request except `/health` must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /**
   * Allows `listen` on a non-loopback address without `apiKey`. Off by default: anyone who can
   * reach the port could spend the backend's money and run code in the sandbox.
   */
  insecureNoKey?: boolean;
  /** Runs at once; later requests wait in a queue. Default 8. */
  maxConcurrentRuns?: number;
  /** Requests waiting for a run beyond `maxConcurrentRuns`; more are refused with 503. Default 32. */
  maxQueuedRuns?: number;
  /**
   * Sandboxes started ahead for the requests' roots and child RLMs, each used by one request only
   * and then closed (a request never sees another's Python). Default: `maxConcurrentRuns` with the
   * process runtime, 0 with Pyodide (its host process keeps a spare worker of its own); 0 for none.
   */
  sandboxPool?: number;
  /** Largest accepted request body. Default 256 MB. */
  maxBodyBytes?: number;
  /**
   * When set, each request's trajectory is written to `<directory>/<completion id>.jsonl`, with the
   * request's context in it (up to 16 MB), so `rlm replay` can re-run it alone.
   */
  traceDirectory?: string;
  /** Called when a chat request ends (for the serve command's access log). */
  onRequestEnd?: (record: RequestLog) => void;
}

export interface RequestLog {
  id: string;
  model: string;
  stream: boolean;
  status: number;
  stopReason?: StopReason;
  elapsedMs: number;
  error?: string;
}
