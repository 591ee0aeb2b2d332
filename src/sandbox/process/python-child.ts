/**
 * One native Python child process running `process_main.py`: starts it with the launch command,
 * frames messages as JSON lines, answers its blocking host calls, and reports how it ended. The
 * sandbox above decides what to do about timeouts and crashes; this only speaks the protocol.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { RlmError } from "../../errors/index.js";
import { processMainPath } from "../python-files.js";
import { HeadTailCollector } from "../truncate.js";
import { JsonLineReader } from "./json-lines.js";
import { StderrSync } from "./stderr-sync.js";

export interface ChildOptions {
  command: string[];
  memoryMb: number | undefined;
  maxOutputChars: number;
  startTimeoutMs: number;
  onHostCall: (request: unknown) => Promise<unknown>;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class PythonChild {
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly stderr: HeadTailCollector;
  private ready: Pending | undefined;
  private readonly sync: StderrSync;

  private constructor(
    private readonly process: ChildProcessWithoutNullStreams,
    private readonly options: ChildOptions,
  ) {
    this.stderr = new HeadTailCollector(options.maxOutputChars);
    // A line that is not JSON means the channel is corrupt: end the process, the sandbox restarts it.
    const reader = new JsonLineReader(
      (message) => this.receive(message),
      () => this.kill(),
    );
    process.stdout.on("data", (chunk: Buffer) => reader.push(chunk));
    const sync = new StderrSync(this.stderr);
    this.sync = sync;
    process.stderr.on("data", (chunk: Buffer) => sync.push(chunk));
    process.stderr.on("end", () => sync.end());
    // A write to a child that just died fails with EPIPE; the exit itself is reported below.
    process.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      process.on("close", (code, signal) => {
        this.exit = { code, signal };
        this.sync.end();
        const error = new RlmError(
          "sandbox-crashed",
          `the Python process ended (${describeExit(this.exit)})`,
        );
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
        this.ready?.reject(error);
        resolve(this.exit);
      });
    });
  }

  static async start(options: ChildOptions): Promise<PythonChild> {
    const [program, ...prefix] = options.command;
    if (program === undefined) {
      throw new RlmError("sandbox-start-failed", "the sandbox command is empty", {
        hint: 'Set sandbox.command to a launcher such as ["python3"].',
      });
    }
    const process = spawn(program, [...prefix, processMainPath()], { stdio: ["pipe", "pipe", "pipe"] });
    const child = new PythonChild(process, options);
    const started = new Promise<unknown>((resolve, reject) => {
      child.ready = { resolve, reject };
      process.on("error", (error) => reject(error));
    });
    child.write({ memoryMb: options.memoryMb ?? null, maxOutputChars: options.maxOutputChars });
    const silent = new Error(`no ready message within ${options.startTimeoutMs} ms`);
    const timer = setTimeout(() => child.ready?.reject(silent), options.startTimeoutMs);
    try {
      await started;
      return child;
    } catch (error) {
      child.kill();
      const detail = error instanceof Error ? error.message : String(error);
      throw new RlmError(
        "sandbox-start-failed",
        `could not start Python with ${JSON.stringify(options.command)}: ${detail}\n${child.takeStderr()}`.trim(),
        {
          hint: "Check that the command runs python3 (try it in a shell), or use the pyodide runtime.",
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
      child.ready = undefined;
    }
  }

  get ended(): ChildExit | undefined {
    return this.exit;
  }

  /** Calls a driver entry point; rejects with `sandbox-crashed` when the process ends first. */
  call(method: string, args: unknown[]): Promise<unknown> {
    return this.request((id) => this.write({ type: "call", id, method, args }));
  }

  /** Sends a context as raw bytes after a header line (no temp file: the launcher may not share ours). */
  load(kind: string, variable: string, chunks: Uint8Array[], size: number): Promise<unknown> {
    return this.request((id) => {
      this.write({ type: "load", id, kind, variable, size });
      for (const chunk of chunks) this.process.stdin.write(chunk);
    });
  }

  /** Raises KeyboardInterrupt in the user's code (ignored between calls). */
  interrupt(): void {
    if (this.exit === undefined) this.write({ type: "interrupt" });
  }

  kill(): void {
    if (this.exit === undefined) this.process.kill("SIGKILL");
  }

  /** What the child wrote to stderr (fd-level output) since the last call, head and tail kept. */
  takeStderr(): string {
    return this.stderr.take();
  }

  private request(send: (id: number) => void): Promise<unknown> {
    if (this.exit !== undefined) {
      return Promise.reject(
        new RlmError("sandbox-crashed", `the Python process ended (${describeExit(this.exit)})`),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      send(id);
    });
  }

  private write(message: unknown): void {
    if (this.exit === undefined) this.process.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private receive(message: unknown): void {
    if (typeof message !== "object" || message === null) return;
    const fields = message as Record<string, unknown>;
    if (fields.type === "ready") this.ready?.resolve(fields);
    else if (fields.type === "host") void this.answer(fields.id, fields.request);
    else if (fields.type === "result" || fields.type === "failure") void this.settle(fields);
  }

  /** Settles a call once its stderr has been read too (see stderr-sync.ts). */
  private async settle(fields: Record<string, unknown>): Promise<void> {
    const id = Number(fields.id);
    if (fields.synced === true) await this.sync.synced(id);
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (fields.type === "result") waiting?.resolve(fields.value);
    else waiting?.reject(new RlmError("sandbox-driver-failed", String(fields.message)));
  }

  /** Host calls may overlap (Python threads); each reply names the call it answers. */
  private async answer(id: unknown, request: unknown): Promise<void> {
    const result = await this.options.onHostCall(request).catch((error: unknown) => ({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    }));
    this.write({ type: "reply", id, result });
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
