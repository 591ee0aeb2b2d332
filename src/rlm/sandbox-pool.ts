/**
 * A bounded pool of sandboxes started ahead of need, so a child RLM or a server request does not
 * wait for Python to boot. Each sandbox is handed out **once** and never comes back: the taker
 * closes it, and the pool starts a replacement. No memory is ever shared between the nodes or the
 * requests that take sandboxes from it, because a pooled sandbox has run no code but its own
 * start-up (isolation by construction, not by reset).
 *
 * Bounds: at most `size` sandboxes wait in the pool (started or starting), and at most
 * `startingAtOnce` start at the same time, so refilling cannot take every core or, with Pyodide,
 * boot several WebAssembly interpreters at once. Idle memory is about `size` sandboxes' worth.
 * A start that fails is dropped (the next `take` tries again), never retried in a loop.
 *
 * The pool knows nothing of RLMs: `start` makes a sandbox whose calls are served for the node in
 * the seat it is given (see `sandboxStarter` in node-factory.ts), and the taker seats its node.
 */

import type { Sandbox } from "../sandbox/types.js";
import type { SandboxSeat } from "./node.js";

/** A sandbox handed out by the pool: its seat now, the sandbox once started. */
export interface PooledSandbox {
  readonly seat: SandboxSeat;
  readonly started: Promise<Sandbox>;
}

export interface SandboxPoolOptions {
  /** Sandboxes kept started ahead. 0 makes a pool that hands out nothing. */
  size: number;
  /** Starts a sandbox whose calls are served for the node in `seat`. */
  start: (seat: SandboxSeat) => Promise<Sandbox>;
  /** Starts at the same time while refilling. Default 2. */
  startingAtOnce?: number;
}

interface Entry extends PooledSandbox {
  state: "starting" | "ready";
}

export class SandboxPool {
  readonly size: number;
  private readonly start: (seat: SandboxSeat) => Promise<Sandbox>;
  private readonly startingAtOnce: number;
  /** Not handed out yet: the oldest first. */
  private readonly entries: Entry[] = [];
  /** Every start begun, until it settles (close waits for them). */
  private readonly pending = new Set<Promise<unknown>>();
  private starting = 0;
  private closed = false;
  /** A start failed: refilling waits for the next `take`. */
  private failed = false;
  private started = 0;
  private handedOut = 0;

  constructor(options: SandboxPoolOptions) {
    this.size = Math.max(0, Math.floor(options.size));
    this.start = options.start;
    this.startingAtOnce = Math.max(1, options.startingAtOnce ?? 2);
  }

  /** Counts for tests and benches: sandboxes started and handed out so far, waiting now. */
  get stats(): { started: number; handedOut: number; waiting: number; ready: number } {
    const ready = this.entries.filter((entry) => entry.state === "ready").length;
    return { started: this.started, handedOut: this.handedOut, waiting: this.entries.length, ready };
  }

  /** Starts filling the pool up to `size` (in the background; at most `startingAtOnce` at once). */
  fill(): void {
    while (
      !this.closed &&
      !this.failed &&
      this.entries.length < this.size &&
      this.starting < this.startingAtOnce
    ) {
      this.startOne();
    }
  }

  /** Resolves once the pool is full, closed, or stopped by a failed start. */
  async filled(): Promise<void> {
    this.fill();
    while (this.pending.size > 0) await Promise.race(this.pending);
  }

  /**
   * Hands out one sandbox, never to be handed out again: a started one if any, else the oldest
   * still starting; undefined when the pool is empty (start one yourself). Refills behind it.
   */
  take(): PooledSandbox | undefined {
    if (this.closed) return undefined;
    const index = this.entries.findIndex((entry) => entry.state === "ready");
    const [entry] = this.entries.splice(Math.max(index, 0), 1);
    if (entry) this.handedOut++;
    this.failed = false;
    this.fill();
    return entry ? { seat: entry.seat, started: entry.started } : undefined;
  }

  /** Stops refilling and closes every sandbox not handed out, those still starting included. */
  async close(): Promise<void> {
    this.closed = true;
    const waiting = this.entries.splice(0);
    await Promise.all(
      waiting.map(async (entry) => {
        const sandbox = await entry.started.catch(() => undefined);
        await sandbox?.close();
      }),
    );
    await Promise.allSettled([...this.pending]);
  }

  private startOne(): void {
    const seat: SandboxSeat = { node: undefined };
    this.starting++;
    this.started++;
    const started = this.start(seat);
    const entry: Entry = { seat, started, state: "starting" };
    this.entries.push(entry);
    const settled = started.then(
      () => {
        entry.state = "ready";
      },
      () => {
        // Dropped, and no refill until the next take: a broken setup must not spin.
        this.failed = true;
        const index = this.entries.indexOf(entry);
        if (index >= 0) this.entries.splice(index, 1);
      },
    );
    const tracked = settled.finally(() => {
      this.starting--;
      this.pending.delete(tracked);
      this.fill();
    });
    this.pending.add(tracked);
  }
}
