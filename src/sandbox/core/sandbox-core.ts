/**
 * The `Sandbox` every runtime shares, over the transport its runtime starts (transport.ts). Calls
 * run one at a time (the driver has one Python thread). Each runs under `supervise`: a timeout or an
 * abort interrupts the code (variables kept), then kills its Python after a grace period; a Python
 * that ended, during a call or between calls, is replaced by a new one with the tools and every
 * loaded context set up again, so the sandbox keeps working and says what was lost. It caps no
 * output: an exec's stdout and stderr are what the driver captured joined with the fd-level output
 * the transport returns, each already capped by the runtime (see transport.ts).
 */

import { RlmError } from "../../errors/index.js";
import { type PlannedLoad, planLoad } from "../context-encoding.js";
import { ContextSources, isReadRequest } from "../context-file.js";
import { driverGetVarSchema, driverLoadSchema, parseDriverExec } from "../driver-result.js";
import { ExecClock } from "../exec-clock.js";
import { type CallScope, callScope, type HostCallHandlers, hostCallReply } from "../host-calls.js";
import type { SandboxRuntimeName } from "../runtimes.js";
import { splitTools, type ToolSpec } from "../tools.js";
import type {
  ContextInput,
  ExecOptions,
  ExecResult,
  LoadInfo,
  LoadOptions,
  Sandbox,
  SandboxOptions,
} from "../types.js";
import { loadError } from "./load-error.js";
import {
  IDLE_RESTART_NOTICE,
  interruptedMessage,
  isMemoryError,
  NOT_RUN_MESSAGE,
  type StopReason,
  type Subject,
} from "./stop-messages.js";
import { type Supervised, supervise } from "./supervise.js";
import type { SandboxRuntime, SandboxTransport, TransportReply } from "./transport.js";

/** Not the exec timeout: no user code runs during a load, and 100 MB may take seconds on a busy machine. */
const LOAD_TIMEOUT_MS = 120_000;

/**
 * With a lazy context loaded and no `timeoutMs` given, an exec may take this long per GB of it on
 * top of the runtime's default: one regex scan of 10 GB takes minutes (bench/lazy), and a default
 * meant for in-memory work would stop every whole scan.
 */
const LAZY_SCAN_MS_PER_GB = 30_000;

export class SandboxCore implements Sandbox {
  readonly runtime: SandboxRuntimeName;
  private transport: Promise<SandboxTransport>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Every context loaded so far (one per variable, in order), loaded again into a new Python. */
  private readonly loaded: PlannedLoad[] = [];
  /**
   * Aborted when the current call is stopped or the sandbox closes, ending that call's host calls.
   * Made on first use (most execs make no host call): see `calls`.
   */
  private current: (CallScope & { abort: () => void }) | undefined;
  /** The current Python once started, for the fast path of `live` (undefined while one starts). */
  private running: SandboxTransport | undefined;
  /** The deadline of the call in progress, paused while its host calls are in flight. */
  private clock: ExecClock | undefined;
  private closed = false;
  /** `SandboxOptions.timeoutMs` was given: it holds as it is, whatever is loaded. */
  private readonly timeoutGiven: boolean;
  private readonly handlers: HostCallHandlers;
  private readonly toolSpecs: ToolSpec[];
  /** The files of lazy contexts, which Python reads by number (the host checks every read). */
  private readonly sources = new ContextSources();
  /** A read of a lazy context is the code's own work: the exec's clock keeps running. */
  private readonly answer = (request: unknown) =>
    isReadRequest(request)
      ? this.sources.read(request)
      : hostCallReply(request, this.handlers, this.calls(), this.clock);

  constructor(
    private readonly launcher: SandboxRuntime,
    options: SandboxOptions,
  ) {
    this.runtime = launcher.name;
    this.timeoutGiven = options.timeoutMs !== undefined;
    const { handlers, specs } = splitTools(options.tools);
    this.toolSpecs = specs;
    this.handlers = { onQuery: options.onQuery, onBatch: options.onBatch, tools: handlers };
    this.transport = this.start();
  }

  /** Resolves once the first Python is up (rejects with its start error). */
  async ready(): Promise<void> {
    await this.transport;
  }

  load(context: ContextInput | Uint8Array, options: LoadOptions = {}): Promise<LoadInfo> {
    const variable = options.variable ?? "context";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      const error = new RlmError(
        "sandbox-bad-variable",
        `cannot load a context into ${JSON.stringify(variable)}`,
        {
          hint: "Use a Python identifier such as context or context_1.",
        },
      );
      return Promise.reject(error);
    }
    let planned: PlannedLoad;
    try {
      planned = planLoad(context, variable);
      if (planned.files === undefined) this.launcher.admit?.(planned);
      else this.launcher.admitLazy?.();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serial(async () => {
      if (options.signal?.aborted) {
        throw new RlmError("sandbox-aborted", "the load was cancelled before it began");
      }
      const started = performance.now();
      const { transport } = await this.live();
      const timeoutMs = Math.max(this.launcher.timeoutMs, LOAD_TIMEOUT_MS);
      const outcome = await this.supervised(
        transport,
        this.send(transport, planned),
        "load",
        timeoutMs,
        options.signal,
      );
      if (!outcome.ok) {
        const ended = outcome.restart && (outcome.stopped === "crashed" || outcome.stopped === "memory");
        throw loadError(outcome.error, planned.byteLength, this.launcher.memoryMb, ended);
      }
      // A context loaded again under the same name replaces the old one, here as in Python.
      const previous = this.loaded.findIndex((earlier) => earlier.plan.variable === variable);
      if (previous >= 0) this.loaded.splice(previous, 1);
      this.loaded.push(planned);
      const info = driverLoadSchema.parse(outcome.reply.value);
      return { ...info, elapsedMs: since(started) };
    });
  }

  exec(code: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.serial(async () => {
      const started = performance.now();
      const { transport, restarted } = await this.live();
      const notice = restarted ? IDLE_RESTART_NOTICE : "";
      const timeoutMs = options.timeoutMs ?? this.execTimeoutMs();
      if (options.signal?.aborted) {
        const result = notRun(NOT_RUN_MESSAGE, notice, restarted, since(started));
        return { ...result, stopped: "aborted" };
      }
      const call = transport.call("_rlm_exec", [code]);
      const outcome = await this.supervised(transport, call, "code", timeoutMs, options.signal);
      if (!outcome.ok) {
        const result = notRun(
          outcome.error,
          notice + outcome.stderr,
          restarted || outcome.restart,
          since(started),
        );
        return outcome.stopped === undefined ? result : { ...result, stopped: outcome.stopped };
      }
      return execResult(outcome.reply, outcome.stopped, timeoutMs, notice, restarted, since(started));
    });
  }

  getVar(name: string): Promise<string | undefined> {
    return this.serial(async () => {
      const { transport } = await this.live();
      const call = transport.call("_rlm_get_var", [name]);
      const outcome = await this.supervised(transport, call, "call", this.launcher.timeoutMs, undefined);
      if (!outcome.ok) throw new RlmError("sandbox-driver-failed", outcome.error);
      const reply = driverGetVarSchema.parse(outcome.reply.value);
      return reply.found ? reply.value : undefined;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.calls().abort();
    const transport = await this.transport.catch(() => undefined);
    if (transport !== undefined) {
      transport.kill("the sandbox was closed");
      await transport.exited;
    }
    this.launcher.closed?.();
  }

  /** The exec timeout when none is given: the runtime's, longer by the size of lazy contexts unless set. */
  private execTimeoutMs(): number {
    if (this.timeoutGiven) return this.launcher.timeoutMs;
    const lazyBytes = this.loaded.reduce(
      (sum, load) => sum + (load.files === undefined ? 0 : load.byteLength),
      0,
    );
    return this.launcher.timeoutMs + Math.ceil((lazyBytes / 1024 ** 3) * LAZY_SCAN_MS_PER_GB);
  }

  /** Sends a context into a Python: its bytes, or for a lazy one the numbers of its files. */
  private send(transport: SandboxTransport, planned: PlannedLoad): Promise<TransportReply> {
    const { files, plan } = planned;
    if (files === undefined) return transport.load(planned);
    const parts = files.map((file) => ({
      source: this.sources.add(file),
      bytes: file.byteLength,
      name: file.path,
    }));
    const keys = plan.keys === undefined ? {} : { keys: plan.keys };
    return transport.call("_rlm_load_lazy", [{ kind: plan.kind, variable: plan.variable, ...keys, parts }]);
  }

  /** Runs calls one at a time: the driver has one Python thread. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw closedError();
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The current Python; one that ended since the last call is replaced first (`restarted`). */
  private async live(): Promise<{ transport: SandboxTransport; restarted: boolean }> {
    const running = this.running;
    if (running !== undefined && running.ended === undefined) return { transport: running, restarted: false };
    // A restart that failed is tried again: the sandbox is never left without a Python.
    const transport = await this.transport.catch(() => undefined);
    if (transport !== undefined && transport.ended === undefined) return { transport, restarted: false };
    this.replace();
    return { transport: await this.transport, restarted: true };
  }

  /** Starts a new Python in place of the current one (whose end the caller has seen). */
  private replace(): void {
    this.running = undefined;
    this.transport = this.start();
  }

  /** One call under the stop policy; a Python that is gone after it is replaced at once. */
  private async supervised(
    transport: SandboxTransport,
    send: Promise<TransportReply>,
    subject: Subject,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Supervised> {
    this.current = undefined;
    const clock = new ExecClock(timeoutMs);
    this.clock = clock;
    const outcome = await supervise(transport, send, {
      subject,
      clock,
      signal,
      abortQueries: () => this.calls().abort(),
    });
    this.clock = undefined;
    if (!outcome.ok && outcome.restart) {
      if (this.closed) throw closedError();
      // The caller learns of the restart now; a restart that fails surfaces on the next call.
      this.replace();
      this.transport.catch(() => undefined);
    }
    return outcome;
  }

  /** The current call's controller; a stop makes it too, so a host call made after is refused at once. */
  private calls(): CallScope & { abort: () => void } {
    this.current ??= callScope();
    return this.current;
  }

  /** A new Python with the tools and every loaded context set up again. */
  private async start(): Promise<SandboxTransport> {
    if (this.closed) throw closedError();
    const transport = await this.launcher.start(this.answer);
    try {
      if (this.toolSpecs.length > 0) await transport.call("_rlm_set_tools", [this.toolSpecs]);
      for (const planned of this.loaded) await this.send(transport, planned);
    } catch (error) {
      transport.kill("its set-up failed");
      throw error;
    }
    // close() may have come while this Python was starting: it must not outlive the sandbox.
    if (this.closed) {
      transport.kill("the sandbox was closed");
      throw closedError();
    }
    this.running = transport;
    return transport;
  }
}

function execResult(
  reply: TransportReply,
  stopped: StopReason | undefined,
  timeoutMs: number,
  notice: string,
  restarted: boolean,
  elapsedMs: number,
): ExecResult {
  const value = parseDriverExec(reply.value);
  let error = value.error ?? undefined;
  let why: ExecResult["stopped"] = stopped;
  if (stopped !== undefined)
    error = `${interruptedMessage("code", stopped, timeoutMs)}\n${error ?? ""}`.trimEnd();
  else if (isMemoryError(value.error)) why = "memory";
  return {
    stdout: value.stdout + reply.rawStdout,
    stderr: notice + value.stderr + reply.rawStderr,
    error,
    answer: value.answer ?? undefined,
    elapsedMs,
    restarted,
    variables: value.variables,
    ...(why === undefined ? {} : { stopped: why }),
  };
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}

function notRun(error: string, stderr: string, restarted: boolean, elapsedMs: number): ExecResult {
  return { stdout: "", stderr, error, answer: undefined, elapsedMs, restarted, variables: [] };
}

function closedError(): RlmError {
  return new RlmError("sandbox-closed", "this sandbox was closed", { hint: "Create a new sandbox." });
}

/** A sandbox over `runtime`, once its first Python is up (a start that fails leaves nothing running). */
export async function createCoreSandbox(runtime: SandboxRuntime, options: SandboxOptions): Promise<Sandbox> {
  const sandbox = new SandboxCore(runtime, options);
  try {
    await sandbox.ready();
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return sandbox;
}
