/**
 * The `process` runtime: native CPython in a child process behind a configurable launcher
 * (`python3`, `bwrap ...`, `docker run -i ...`). Calls run one at a time. A timeout or abort first
 * interrupts the user's code (state kept), then kills and restarts the child after a grace period;
 * a crash restarts it too, and the contexts and tools are set up again so the sandbox keeps working.
 */

import { RlmError } from "../../errors/index.js";
import { encodeContext } from "../context-encoding.js";
import { driverGetVarSchema, driverLoadSchema, parseDriverExec } from "../driver-result.js";
import { ExecClock } from "../exec-clock.js";
import { answerHostCall } from "../host-calls.js";
import type {
  ContextInput,
  ExecOptions,
  ExecResult,
  LoadInfo,
  LoadOptions,
  Sandbox,
  SandboxOptions,
} from "../types.js";
import { defaultPythonCommand } from "./default-python.js";
import { loadError } from "./load-error.js";
import { PythonChild } from "./python-child.js";
import { IDLE_RESTART_NOTICE } from "./stop-messages.js";
import { runSupervised } from "./supervise.js";

export const PROCESS_DEFAULTS = {
  command: ["python3"],
  timeoutMs: 60_000,
  /** RLIMIT_AS counts address space (thread stacks, allocator arenas), not just the heap: leave room. */
  memoryMb: 2048,
  maxOutputChars: 100_000,
  graceMs: 1000,
  /**
   * Longest protocol line the host accepts from Python (UTF-8 bytes): far above any real message (an
   * exec's output is capped at maxOutputChars; a 32 MB prompt is millions of tokens, beyond every
   * model's window), so only a broken or hostile child reaches it. Python refuses to send a longer
   * getVar value or query (the call fails, state kept); a longer raw line kills the child.
   */
  maxMessageBytes: 32 * 1024 * 1024,
  /** Processes plus threads of one sandbox together, where a cgroup enforces it (see cgroup.ts). */
  maxTasks: 128,
  startTimeoutMs: 30_000,
};

interface LoadedContext {
  context: ContextInput | Uint8Array;
  variable: string;
}

export class ProcessSandbox implements Sandbox {
  readonly runtime = "process" as const;
  private child: PythonChild | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly loaded: LoadedContext[] = [];
  private closed = false;
  /** Aborts the host-side queries of the exec in progress (on its timeout, abort, or close). */
  private queries = new AbortController();
  /** The deadline of the exec in progress, paused while its host calls are in flight. */
  private clock: ExecClock | undefined;

  private constructor(private readonly options: SandboxOptions) {}

  static async create(options: SandboxOptions = {}): Promise<ProcessSandbox> {
    const sandbox = new ProcessSandbox(options);
    await sandbox.restart();
    return sandbox;
  }

  async load(context: ContextInput | Uint8Array, options: LoadOptions = {}): Promise<LoadInfo> {
    const variable = options.variable ?? "context";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      throw new RlmError("sandbox-bad-variable", `cannot load a context into ${JSON.stringify(variable)}`, {
        hint: "Use a Python identifier such as context or context_1.",
      });
    }
    const encoded = encodeContext(context);
    return this.serial(async () => {
      if (options.signal?.aborted)
        throw new RlmError("sandbox-aborted", "the load was cancelled before it began");
      const started = performance.now();
      const child = await this.ensureChild();
      const raw = await child.child
        .load(encoded.kind, variable, encoded.chunks, encoded.byteLength)
        .catch((error: unknown) => {
          throw loadError(error, encoded.byteLength, this.options.memoryMb ?? PROCESS_DEFAULTS.memoryMb);
        });
      const info = driverLoadSchema.parse(raw);
      const index = this.loaded.findIndex((entry) => entry.variable === variable);
      if (index >= 0) this.loaded.splice(index, 1);
      this.loaded.push({ context, variable });
      return { ...info, elapsedMs: performance.now() - started };
    });
  }

  exec(code: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.serial(async () => {
      const started = performance.now();
      const { child, restarted } = await this.ensureChild();
      if (options.signal?.aborted) {
        const error = "The code was cancelled before it ran.";
        return { ...notRun(error), restarted, stopped: "aborted", elapsedMs: performance.now() - started };
      }
      const controller = new AbortController();
      this.queries = controller;
      const clock = new ExecClock(options.timeoutMs ?? this.options.timeoutMs ?? PROCESS_DEFAULTS.timeoutMs);
      this.clock = clock;
      const outcome = await runSupervised({
        child,
        run: async () => parseDriverExec(await child.call("_rlm_exec", [code])),
        clock,
        graceMs: PROCESS_DEFAULTS.graceMs,
        signal: options.signal,
        abortQueries: () => controller.abort(),
        restart: () => this.restart(),
      });
      const stderr = (restarted ? IDLE_RESTART_NOTICE : "") + outcome.stderr + child.takeStderr();
      return {
        ...outcome,
        stderr,
        restarted: restarted || outcome.restarted,
        elapsedMs: performance.now() - started,
      };
    });
  }

  getVar(name: string): Promise<string | undefined> {
    return this.serial(async () => {
      const { child } = await this.ensureChild();
      const reply = driverGetVarSchema.parse(await child.call("_rlm_get_var", [name]));
      return reply.found ? reply.value : undefined;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queries.abort();
    const child = this.child;
    this.child = undefined;
    if (child !== undefined) {
      child.kill();
      await child.exited;
    }
  }

  /** Runs calls one at a time: the child has one Python thread. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw closedError();
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureChild(): Promise<{ child: PythonChild; restarted: boolean }> {
    if (this.child !== undefined && this.child.ended === undefined)
      return { child: this.child, restarted: false };
    return { child: await this.restart(), restarted: true };
  }

  /** A fresh child with the tools and every loaded context set up again. */
  private async restart(): Promise<PythonChild> {
    if (this.closed) throw closedError();
    this.child?.kill();
    this.child = undefined;
    const child = await this.startChild();
    try {
      for (const entry of this.loaded) {
        const encoded = encodeContext(entry.context);
        await child.load(encoded.kind, entry.variable, encoded.chunks, encoded.byteLength);
      }
    } catch (error) {
      child.kill();
      throw error;
    }
    // close() may have come while this child was starting: it must not outlive the sandbox.
    if (this.closed) {
      child.kill();
      throw closedError();
    }
    this.child = child;
    return child;
  }

  private async startChild(): Promise<PythonChild> {
    const child = await PythonChild.start({
      command: this.options.command ?? (await defaultPythonCommand()),
      memoryMb: this.options.memoryMb ?? PROCESS_DEFAULTS.memoryMb,
      maxOutputChars: this.options.maxOutputChars ?? PROCESS_DEFAULTS.maxOutputChars,
      startTimeoutMs: PROCESS_DEFAULTS.startTimeoutMs,
      maxMessageBytes: PROCESS_DEFAULTS.maxMessageBytes,
      maxTasks: PROCESS_DEFAULTS.maxTasks,
      onHostCall: (request) => {
        const answer = () => answerHostCall(request, this.options, this.queries.signal);
        return this.clock === undefined ? answer() : this.clock.whileHostCall(answer);
      },
    });
    const tools = Object.entries(this.options.tools ?? {}).map(([name, tool]) => ({
      name,
      description: tool.description,
    }));
    if (tools.length > 0) {
      await child.call("_rlm_set_tools", [tools]).catch((error: unknown) => {
        child.kill();
        throw error;
      });
    }
    return child;
  }
}

function notRun(error: string): Omit<ExecResult, "elapsedMs" | "restarted"> {
  return { stdout: "", stderr: "", error, answer: undefined, variables: [] };
}

function closedError(): RlmError {
  return new RlmError("sandbox-closed", "this sandbox was closed", { hint: "Create a new sandbox." });
}
