/**
 * One native Python child process running `process_main.py`, the process runtime's transport (see
 * ../core/transport.ts): starts it with the launch command, frames messages as JSON lines, passes
 * its blocking host calls on, and reports how it ended. The sandbox core decides what to do about
 * timeouts and crashes; this only speaks the protocol, and
 * holds the child to what the host can afford: a cleared environment (child-environment.ts), a
 * cgroup for its processes together when the host allows one (cgroup.ts), and a bound on the
 * length of a protocol line, past which the child is killed rather than buffered.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RlmError } from "../../errors/index.js";
import { encodePlanned, type PlannedLoad } from "../context-encoding.js";
import {
  type HostCallAnswer,
  type SandboxTransport,
  TransportCallError,
  type TransportExit,
  type TransportReply,
} from "../core/transport.js";
import type { DriverMethod } from "../driver-result.js";
import { processMainPath } from "../python-files.js";
import { HeadTailCollector } from "../truncate.js";
import { SandboxCgroup } from "./cgroup.js";
import { childEnvironment } from "./child-environment.js";
import { JsonLineReader } from "./json-lines.js";
import { StderrSync } from "./stderr-sync.js";

export interface ChildOptions {
  command: string[];
  memoryMb: number | undefined;
  maxOutputChars: number;
  startTimeoutMs: number;
  /** Longest protocol line accepted from the child; Python refuses to send a longer one. */
  maxMessageBytes: number;
  /** Processes plus threads of the child and everything it starts (enforced by a cgroup when one can be made). */
  maxTasks: number;
  onHostCall: HostCallAnswer;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the host killed it, when it did so for a reason of its own (e.g. an oversized message). */
  reason?: string;
}

interface Pending {
  resolve: (value: TransportReply) => void;
  reject: (error: Error) => void;
}

export class PythonChild implements SandboxTransport {
  /** Resolves when the process has ended, however it ended, and its stderr has been read. */
  readonly exited: Promise<TransportExit>;
  private exit: TransportExit | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly stderr: HeadTailCollector;
  private ready: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  private readonly sync: StderrSync;
  private killReason: string | undefined;

  private constructor(
    private readonly process: ChildProcessWithoutNullStreams,
    private readonly options: ChildOptions,
    private readonly group: SandboxCgroup | undefined,
    home: string,
  ) {
    this.stderr = new HeadTailCollector(options.maxOutputChars);
    // A line that is not JSON, or too long to be one we sent for, means the channel is corrupt or
    // hostile: end the process, the sandbox restarts it.
    const reader = new JsonLineReader(
      {
        onMessage: (message) => this.receive(message),
        onBrokenLine: () => this.kill("it wrote a protocol line that is not JSON"),
        onOversize: (held) =>
          this.kill(
            `it wrote a protocol line longer than ${options.maxMessageBytes} bytes (${held} bytes without a newline)`,
          ),
      },
      options.maxMessageBytes,
    );
    process.stdout.on("data", (chunk: Buffer) => reader.push(chunk));
    const sync = new StderrSync(this.stderr);
    this.sync = sync;
    process.stderr.on("data", (chunk: Buffer) => sync.push(chunk));
    process.stderr.on("end", () => sync.end());
    // A write to a child that just died fails with EPIPE; the exit itself is reported below.
    process.stdin.on("error", () => {});
    // Children it forked keep the pipes open, so "close" would wait for them: when the main process
    // ends, the rest of its processes go too.
    process.on("exit", () => this.killTree());
    this.exited = new Promise((resolve) => {
      process.on("close", (code, signal) => {
        const exit: ChildExit = {
          code,
          signal,
          ...(this.killReason === undefined ? {} : { reason: this.killReason }),
        };
        rmSync(home, { recursive: true, force: true });
        this.sync.end();
        // SIGKILL that the host did not send: most likely the kernel's OOM killer (or the cgroup's).
        const memory = signal === "SIGKILL" && this.killReason === undefined ? "possible" : undefined;
        this.exit = { reason: describeExit(exit), ...(memory === undefined ? {} : { memory }) };
        const error = new TransportCallError(`the Python process ended (${this.exit.reason})`, true);
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
        this.ready?.reject(error);
        // Forked processes that outlived the main one (without bwrap's PID namespace) go too, and
        // the group with them, before anyone is told the child has ended.
        const ended = this.exit;
        void (this.group?.remove() ?? Promise.resolve()).then(() =>
          resolve({ ...ended, stderr: this.stderr.take() }),
        );
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
    const group = SandboxCgroup.create({
      memoryBytes: options.memoryMb ? options.memoryMb * 1024 * 1024 : undefined,
      maxTasks: options.maxTasks,
    });
    const launch = [program, ...prefix, processMainPath()];
    const [executable, ...args] = group === undefined ? launch : group.wrap(launch);
    const home = mkdtempSync(join(tmpdir(), "rlm-sandbox-home-"));
    const process = spawn(executable ?? program, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: childEnvironment(home),
      cwd: home,
      // Its own process group: without a cgroup, the group is how its forked processes are killed.
      detached: true,
    });
    const child = new PythonChild(process, options, group, home);
    const started = new Promise<unknown>((resolve, reject) => {
      child.ready = { resolve, reject };
      process.on("error", (error) => reject(error));
    });
    child.write({
      memoryMb: options.memoryMb ?? null,
      maxOutputChars: options.maxOutputChars,
      maxMessageBytes: options.maxMessageBytes,
    });
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

  get ended(): TransportExit | undefined {
    return this.exit;
  }

  /** Calls a driver entry point; rejects with an ended `TransportCallError` when the process ends first. */
  call(method: DriverMethod, args: unknown[]): Promise<TransportReply> {
    return this.request((id) => this.write({ type: "call", id, method, args }));
  }

  /** Sends a context as raw bytes after a header line (no temp file: the launcher may not share ours). */
  load(planned: PlannedLoad): Promise<TransportReply> {
    const { kind, chunks, byteLength: size } = encodePlanned(planned);
    const { variable } = planned.plan;
    return this.request((id) => {
      this.write({ type: "load", id, kind, variable, size });
      for (const chunk of chunks) this.process.stdin.write(chunk);
    });
  }

  /** Raises KeyboardInterrupt in the user's code (ignored between calls). */
  interrupt(): void {
    if (this.exit === undefined) this.write({ type: "interrupt" });
  }

  /** Nothing to do: the driver drops an interrupt that arrives between calls. */
  clearInterrupt(): void {}

  /** Kills the child and, with a cgroup, every process it started; `reason` is reported in its exit. */
  kill(reason?: string): void {
    if (this.exit !== undefined) return;
    this.killReason ??= reason;
    this.process.kill("SIGKILL");
    this.killTree();
  }

  /** Every process of the sandbox: the cgroup's when there is one, else the process group's. */
  private killTree(): void {
    if (this.group !== undefined) {
      this.group.killAll();
      return;
    }
    try {
      if (this.process.pid !== undefined) globalThis.process.kill(-this.process.pid, "SIGKILL");
    } catch {
      // the group is empty already
    }
  }

  /** The cgroup holding the child's processes, if this host allowed one (for reports and tests). */
  get cgroup(): SandboxCgroup | undefined {
    return this.group;
  }

  /** What the child wrote to stderr (fd-level output) since the last call, head and tail kept. */
  takeStderr(): string {
    return this.stderr.take();
  }

  private request(send: (id: number) => void): Promise<TransportReply> {
    if (this.exit !== undefined) {
      return Promise.reject(new TransportCallError(`the Python process ended (${this.exit.reason})`, true));
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
    // fd-level output: what reached stderr since the last call (stdout is the protocol's).
    if (fields.type === "result")
      waiting?.resolve({ value: fields.value, rawStdout: "", rawStderr: this.stderr.take() });
    else waiting?.reject(new TransportCallError(String(fields.message), false));
  }

  /** Host calls may overlap (Python threads); each reply names the call it answers. */
  private async answer(id: unknown, request: unknown): Promise<void> {
    const result = await this.options.onHostCall(request);
    if (this.exit !== undefined) return;
    const callId = JSON.stringify(id ?? null);
    if (typeof result === "string") {
      this.process.stdin.write(`{"type":"reply","id":${callId},"result":${result}}\n`);
      return;
    }
    // A lazy context's bytes: a header line, then the bytes as they are (as a load sends them).
    // Replies wait in the host's memory until Python reads them: a child that asks and never reads
    // (its reader thread held by user code) is killed before they pile up.
    if (this.process.stdin.writableLength + result.length > MAX_UNREAD_REPLY_BYTES) {
      this.kill(`it left more than ${MAX_UNREAD_REPLY_BYTES / 1024 / 1024} MB of replies unread`);
      return;
    }
    this.process.stdin.write(`{"type":"data","id":${callId},"size":${result.length}}\n`);
    this.process.stdin.write(result);
  }
}

/** Reply bytes the host holds for a child before it reads them (two of the largest reads, 64 MB). */
const MAX_UNREAD_REPLY_BYTES = 128 * 1024 * 1024;

export function describeExit(exit: ChildExit): string {
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  return exit.reason === undefined ? how : `${how}: ${exit.reason}`;
}
