import { RlmError } from "../errors/index.js";
import { HttpError } from "./http-error.js";

/**
 * Admission control for runs: at most `maxRunning` runs at once, at most `maxQueued` more waiting
 * for a turn, and a 503 with `Retry-After` for anything beyond. Each run holds a sandbox (a Python
 * process or worker) and its request body, so without a bound a burst of requests can exhaust the
 * machine; with one, memory is bounded by (running + queued) runs. A place is taken before the
 * body is read, so a refused request costs nothing but the refusal.
 */

/** Seconds a refused client is asked to wait: about the time a short run takes to free a place. */
const RETRY_AFTER_SECONDS = 5;

export interface AdmissionLimits {
  maxRunning: number;
  maxQueued: number;
}

/** One request's place: running already, or waiting in the queue. */
export interface RunTicket {
  /** Resolves once the run may start; rejects with the signal's reason if it aborts first. */
  turn(signal: AbortSignal): Promise<void>;
  /** Gives the place back (running or queued); calling it twice is harmless. */
  release(): void;
}

export class RunAdmission {
  private running = 0;
  /** Waiting tickets in arrival order, each with the function that lets it run. */
  private readonly queue = new Map<RunTicket, () => void>();

  constructor(private readonly limits: AdmissionLimits) {
    const { maxRunning, maxQueued } = limits;
    if (!Number.isInteger(maxRunning) || maxRunning < 1 || !Number.isInteger(maxQueued) || maxQueued < 0) {
      throw new RlmError(
        "invalid-config",
        `maxConcurrentRuns must be a whole number >= 1 and maxQueuedRuns >= 0, got ${maxRunning} and ${maxQueued}.`,
        { hint: "Fix the server's maxConcurrentRuns / maxQueuedRuns options." },
      );
    }
  }

  /** Takes a place for one run, or throws the 503 when every running and queued place is taken. */
  admit(): RunTicket {
    if (this.running < this.limits.maxRunning) {
      this.running++;
      return this.ticket(true);
    }
    if (this.queue.size >= this.limits.maxQueued) {
      throw new HttpError(
        "server-busy",
        `The server is busy: ${this.running} runs are running and ${this.queue.size} are waiting, the most it takes.`,
        {
          headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
          hint: `Retry after ${RETRY_AFTER_SECONDS} s, or start the server with a larger --max-concurrent-runs / --max-queued-runs.`,
        },
      );
    }
    return this.ticket(false);
  }

  private ticket(running: boolean): RunTicket {
    let state: "queued" | "running" | "done" = running ? "running" : "queued";
    let wake: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const ticket: RunTicket = {
      turn: (signal) => {
        if (state === "running") return Promise.resolve();
        if (state === "done") return Promise.reject(new Error("This run ticket was already released."));
        if (signal.aborted) return Promise.reject(signal.reason);
        return new Promise<void>((resolve, reject) => {
          const onAbort = (): void => {
            ticket.release();
            reject(signal.reason);
          };
          signal.addEventListener("abort", onAbort, { once: true });
          void started.then(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          });
        });
      },
      release: () => {
        if (state === "queued") this.queue.delete(ticket);
        if (state === "running") this.next();
        state = "done";
      },
    };
    if (!running) {
      this.queue.set(ticket, () => {
        state = "running";
        wake();
      });
    }
    return ticket;
  }

  /** A run ended: its place goes to the longest-waiting ticket, if any. */
  private next(): void {
    const first = this.queue.entries().next();
    if (first.done) {
      this.running--;
      return;
    }
    const [ticket, start] = first.value;
    this.queue.delete(ticket);
    start();
  }
}
