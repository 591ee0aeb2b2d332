/**
 * The `Sandbox` over one Pyodide worker: calls run one at a time; a timeout first interrupts
 * (KeyboardInterrupt, variables kept), then kills the worker and starts another (variables lost,
 * contexts and tools loaded again); a dead worker is replaced the same way, never left dead.
 */
import { RlmError } from "../../errors/index.js";
import { driverGetVarSchema, driverLoadSchema } from "../driver-result.js";
import { ExecClock } from "../exec-clock.js";
import type {
  ContextInput,
  ExecOptions,
  ExecResult,
  LoadInfo,
  LoadOptions,
  Sandbox,
  SandboxOptions,
} from "../types.js";
import { megabytes, PartReader, type PlannedLoad, planLoad } from "./context-stream.js";
import { toExecResult } from "./exec-result.js";
import { serveBridge } from "./host-bridge.js";
import type { PyodideWorker, SandboxRequest } from "./pyodide-worker.js";
import { RemoteWorker } from "./remote-worker.js";
import { type GuardedOutcome, runGuarded } from "./run-guarded.js";
import type { PyodideSettings } from "./settings.js";
import { expectedSnapshot } from "./snapshot-store.js";
import { discardSpare, prepareSpare, takeSpare } from "./spare-worker.js";

const LOAD_TIMEOUT_MS = 120_000;
/** A context at least this large (UTF-8 bytes) ends the spare worker and keeps a new one from starting. */
const LARGE_CONTEXT_BYTES = 32 * 1024 * 1024;

/** What a restarted worker needs to load the context again. */
interface LoadedContext {
  context: ContextInput | Uint8Array;
  variable: string;
}

export class PyodideSandbox implements Sandbox {
  readonly runtime = "pyodide" as const;
  private handle: Promise<PyodideWorker>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Every context loaded so far, replayed into a restarted worker. */
  private readonly loaded: LoadedContext[] = [];
  /**
   * Aborted when the current call is stopped or the sandbox closes, ending that call's host calls.
   * Made on first use (most execs make no host call): see `calls`.
   */
  private current: AbortController | undefined;
  /** The deadline of the call in progress, paused by the bridge while host calls are in flight. */
  private clock: ExecClock | undefined;
  private closed = false;
  /** Set once a large context is loaded: no spare worker is kept beside this sandbox's memory. */
  private largeContext = false;

  constructor(
    private readonly settings: PyodideSettings,
    private readonly options: SandboxOptions,
  ) {
    this.handle = this.startWorker();
  }

  /** Resolves once the first worker is up (rejects with its start error). */
  async ready(): Promise<void> {
    await this.handle;
  }

  /** What a worker boots with; the spare's key (a spare with other settings is of no use). */
  private workerInit() {
    const { indexURL, snapshot, memoryMb, driverSource, maxOutputChars } = this.settings;
    const init = {
      indexURL,
      snapshot: snapshot === undefined ? undefined : expectedSnapshot(snapshot),
      memoryMb,
      driverSource,
      maxOutputChars,
    };
    return { init, key: JSON.stringify({ ...init, snapshot: snapshot?.path }) };
  }

  private async startWorker(): Promise<PyodideWorker> {
    const { init, key } = this.workerInit();
    const boot = () => RemoteWorker.start(init, this.settings);
    const spare = this.settings.spareWorker
      ? takeSpare(key)?.then((taken) => (taken.alive ? taken : boot()), boot)
      : undefined;
    const handle = await (spare ?? boot());
    const tools = this.options.tools ?? {};
    serveBridge(handle, {
      onQuery: this.options.onQuery,
      tools,
      signal: () => this.calls().signal,
      clock: () => this.clock,
    });
    const specs = Object.entries(tools).map(([name, tool]) => ({ name, description: tool.description }));
    if (specs.length > 0) await handle.call({ type: "call", method: "_rlm_set_tools", args: [specs] });
    for (const { context, variable } of this.loaded) {
      await handle.call(loadRequest(planLoad(context, variable)));
    }
    return handle;
  }

  /** Serializes calls: the Python thread runs one thing at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new RlmError("sandbox-closed", "this sandbox was closed", { hint: "Create a new sandbox." }),
      );
    }
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  load(context: ContextInput | Uint8Array, options: LoadOptions = {}): Promise<LoadInfo> {
    return this.exclusive(async () => {
      const started = performance.now();
      const variable = options.variable ?? "context";
      const planned = planLoad(context, variable);
      const { byteLength } = planned;
      const limit = this.settings.maxContextBytes;
      if (byteLength > limit) {
        throw new RlmError(
          "sandbox-context-too-large",
          `the context is ${megabytes(byteLength)} of UTF-8; the pyodide sandbox takes at most ${megabytes(limit)} with memoryMb=${this.settings.memoryMb}`,
          { hint: "Raise sandbox.memoryMb (up to 4000), split the context, or use the process runtime." },
        );
      }
      if (byteLength >= LARGE_CONTEXT_BYTES && this.settings.spareWorker) {
        this.largeContext = true;
        discardSpare("a large context is being loaded");
      }
      // Not the exec timeout: no user code runs here, and 100 MB may take seconds on a busy machine.
      const timeoutMs = Math.max(this.settings.timeoutMs, LOAD_TIMEOUT_MS);
      const outcome = await this.guarded(loadRequest(planned), timeoutMs, options.signal);
      if (outcome.kind === "failed") {
        const memory = /MemoryError|memory cap/.test(outcome.message);
        throw new RlmError(
          memory ? "sandbox-context-too-large" : "sandbox-load-failed",
          `loading the context (${megabytes(byteLength)}) failed: ${outcome.message}`,
          {
            hint: memory
              ? `Raise sandbox.memoryMb (now ${this.settings.memoryMb}) or split the context.`
              : "Check the context's type (string, string[] or Record<string, string>) and the variable name.",
          },
        );
      }
      // A context loaded again under the same name replaces the old one, here as in Python.
      const previous = this.loaded.findIndex((earlier) => earlier.variable === variable);
      if (previous >= 0) this.loaded.splice(previous, 1);
      this.loaded.push({ context, variable });
      const info = driverLoadSchema.parse(outcome.value);
      return { ...info, elapsedMs: Math.round(performance.now() - started) };
    });
  }

  exec(code: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.exclusive(async () => {
      const started = performance.now();
      const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
      const request: SandboxRequest = { type: "call", method: "_rlm_exec", args: [code] };
      const outcome = await this.guarded(request, timeoutMs, options.signal);
      return toExecResult(outcome, Math.round(performance.now() - started), timeoutMs);
    });
  }

  getVar(name: string): Promise<string | undefined> {
    return this.exclusive(async () => {
      const request: SandboxRequest = { type: "call", method: "_rlm_get_var", args: [name] };
      const outcome = await this.guarded(request, this.settings.timeoutMs);
      if (outcome.kind === "failed") throw new RlmError("sandbox-driver-failed", outcome.message);
      const value = driverGetVarSchema.parse(outcome.value);
      return value.found ? value.value : undefined;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.calls().abort();
    const handle = await this.handle.catch(() => undefined);
    await handle?.terminate("the sandbox was closed");
    // Booted now, not while this sandbox ran: a spare booting beside a running loop takes a core
    // for about a second. The next sandbox (a completion, a child RLM, a server's next request) takes it.
    if (this.settings.spareWorker && !this.largeContext) {
      const { init, key } = this.workerInit();
      prepareSpare(key, () => RemoteWorker.start(init, this.settings, false));
    }
  }

  /** The current call's controller; a stop makes it too, so a host call made after is refused at once. */
  private calls(): AbortController {
    this.current ??= new AbortController();
    return this.current;
  }

  /** Runs one call under the timeout / abort / crash policy, replacing the worker when needed. */
  private async guarded(
    request: SandboxRequest,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<GuardedOutcome> {
    const handle = await this.handle;
    this.current = undefined;
    const clock = new ExecClock(timeoutMs);
    this.clock = clock;
    const outcome = await runGuarded(handle, request, {
      clock,
      signal,
      abortQueries: () => this.calls().abort(),
    });
    if (outcome.kind === "failed" && outcome.restart && !this.closed) {
      this.handle = this.startWorker();
      // The caller learns of the restart now; a failed restart surfaces on the next call.
      this.handle.catch(() => undefined);
    }
    return outcome;
  }
}

/** A load as the worker takes it: the plan, and the parts' bytes encoded as they are sent. */
function loadRequest(load: PlannedLoad): SandboxRequest {
  return { type: "load", plan: load.plan, byteLength: load.byteLength, source: new PartReader(load) };
}
