/**
 * The `memory` runtime, for tests: a fake Python in JavaScript (fake-python.ts) behind the same core
 * as the real runtimes, so an engine test that is not about Python (the loop, budgets, answers,
 * sub-calls, tools) runs in microseconds, with no process or WebAssembly to boot. Not offered to
 * users (config, CLI): its "Python" runs a small subset only.
 */

import { RlmError } from "../../errors/index.js";
import type { PlannedLoad } from "../context-encoding.js";
import {
  DEFAULT_MAX_OUTPUT_CHARS,
  type HostCallAnswer,
  type SandboxRuntime,
  type SandboxTransport,
  TransportCallError,
  type TransportExit,
  type TransportReply,
} from "../core/transport.js";
import type { DriverMethod } from "../driver-result.js";
import type { SandboxOptions } from "../types.js";
import { FakePython } from "./fake-python.js";

export class MemoryTransport implements SandboxTransport {
  readonly exited: Promise<TransportExit>;
  private exit: TransportExit | undefined;
  private onExit: (exit: TransportExit) => void = () => {};
  private readonly python: FakePython;

  constructor(answer: HostCallAnswer, maxOutputChars: number) {
    this.python = new FakePython(answer, maxOutputChars);
    this.exited = new Promise((resolve) => {
      this.onExit = resolve;
    });
  }

  get ended(): TransportExit | undefined {
    return this.exit;
  }

  call(method: DriverMethod, args: unknown[]): Promise<TransportReply> {
    return this.whileAlive(() => this.python.call(method, args));
  }

  load(load: PlannedLoad): Promise<TransportReply> {
    return this.whileAlive(async () => this.python.load(load));
  }

  interrupt(): void {
    this.python.interrupt();
  }

  clearInterrupt(): void {}

  kill(reason: string): void {
    if (this.exit !== undefined) return;
    this.exit = { reason };
    this.onExit(this.exit);
  }

  /** A call settles with its reply, or as soon as the fake is killed (like a real Python's end). */
  private whileAlive(run: () => Promise<TransportReply>): Promise<TransportReply> {
    if (this.exit !== undefined) return Promise.reject(new TransportCallError(this.exit.reason, true));
    const ended = this.exited.then((exit) => Promise.reject(new TransportCallError(exit.reason, true)));
    ended.catch(() => undefined);
    const outcome = run().catch((error: unknown) => {
      throw new TransportCallError(error instanceof Error ? error.message : String(error), false);
    });
    return Promise.race([outcome, ended]);
  }
}

export function memoryRuntime(options: SandboxOptions): SandboxRuntime {
  const maxOutputChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  return {
    name: "memory",
    timeoutMs: options.timeoutMs ?? 60_000,
    memoryMb: options.memoryMb ?? 1024,
    start: async (answer) => new MemoryTransport(answer, maxOutputChars),
    admitLazy: () => {
      throw new RlmError("sandbox-bad-context", "the in-memory sandbox cannot read a lazy context", {
        hint: 'Use the "pyodide" or "process" sandbox for contexts read from files as Python goes.',
      });
    },
  };
}
