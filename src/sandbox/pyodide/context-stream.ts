/**
 * Host side of a context load. A 100 MB context must not be copied whole anywhere on its way into
 * Python (the target is peak memory <= 3 x context + 200 MB, the caller's own string included): the
 * host encodes the parts piece by piece into the two slots of a SharedArrayBuffer (`STREAM`) while
 * the worker copies each slot straight into the Python objects that will hold the text (see
 * `receiveContext` in worker.ts and `_rlm_load_prepare` in driver.py).
 */
import { isAscii } from "node:buffer";
import { contextParts } from "../context-encoding.js";
import type { ContextInput } from "../types.js";
import { type HostRequest, type LoadPlan, STREAM, slotBytesOf } from "./messages.js";

export type LoadRequest = HostRequest & { type: "load" };

export interface PlannedLoad {
  plan: LoadPlan;
  /** The parts' texts, encoded only as they are streamed. */
  sources: (string | Uint8Array)[];
  /** UTF-8 bytes in all. */
  byteLength: number;
}

/** Checks the context and measures its parts (`Buffer.byteLength` needs no copy: ~20 ms per 100 MB). */
export function planLoad(context: ContextInput | Uint8Array, variable: string): PlannedLoad {
  const { kind, parts: sources, keys } = contextParts(context);
  const parts = sources.map((source) => {
    if (typeof source !== "string") return { bytes: source.length, ascii: isAscii(source) };
    const bytes = Buffer.byteLength(source, "utf8");
    return { bytes, ascii: bytes === source.length };
  });
  const byteLength = parts.reduce((sum, part) => sum + part.bytes, 0);
  return { plan: { kind, variable, ...(keys ? { keys } : {}), parts }, sources, byteLength };
}

/**
 * Sends the load request with `send` (which settles when the worker has answered) and streams the
 * parts to the worker meanwhile. A failure to encode stops the worker and is thrown here.
 */
export async function sendLoad<T>(load: PlannedLoad, send: (request: LoadRequest) => Promise<T>): Promise<T> {
  // A small context gets small slots: zeroing 2 MiB took ~2 ms of every small completion's start.
  const slotBytes = Math.min(STREAM.slotBytes, Math.max(64, load.byteLength));
  const stream = new SharedArrayBuffer(STREAM.controlWords * 4 + 2 * slotBytes);
  let settled = false;
  let failure: { error: unknown } | undefined;
  void feed(stream, load, () => settled).catch((error: unknown) => {
    failure = { error };
  });
  try {
    const result = await send({ type: "load", plan: load.plan, stream });
    if (failure) throw failure.error;
    return result;
  } finally {
    settled = true;
  }
}

/** How long the host sleeps between checks that the call has not ended without it. */
const POLL_MS = 100;

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

async function feed(stream: SharedArrayBuffer, load: PlannedLoad, settled: () => boolean): Promise<void> {
  const control = new Int32Array(stream, 0, STREAM.controlWords);
  const slots = [0, 1].map(
    (slot) =>
      new Uint8Array(stream, STREAM.controlWords * 4 + slot * slotBytesOf(stream), slotBytesOf(stream)),
  );
  const reader = new PartReader(load);
  try {
    for (let slot = 0; !reader.done; slot ^= 1) {
      // Wait until the worker has emptied this slot; stop if the call ended without it.
      for (let length = Atomics.load(control, slot); length !== 0; length = Atomics.load(control, slot)) {
        if (settled()) return;
        const wait = waitAsync(control, slot, length, POLL_MS);
        if (wait.async) await wait.value;
      }
      Atomics.store(control, slot, reader.fill(slots[slot]!));
      Atomics.notify(control, slot);
    }
  } catch (error) {
    Atomics.store(control, STREAM.hostFailed, 1);
    Atomics.notify(control, 0);
    Atomics.notify(control, 1);
    throw error;
  }
}

const encoder = new TextEncoder();

/** The parts' UTF-8 bytes in order, written into slots as they come (exported for its test). */
export class PartReader {
  private part = 0;
  /** In the current part: UTF-16 units for a string, bytes for a Uint8Array. */
  private offset = 0;
  private written = 0;

  constructor(private readonly load: PlannedLoad) {
    this.next();
  }

  get done(): boolean {
    return this.part >= this.load.sources.length;
  }

  /** Fills `slot` as far as the next whole character allows; returns the bytes written (> 0). */
  fill(slot: Uint8Array): number {
    let filled = 0;
    while (!this.done && filled < slot.length) {
      const source = this.load.sources[this.part]!;
      const room = slot.subarray(filled);
      let read: number;
      let count: number;
      if (typeof source === "string") {
        // At most `room` units (each takes a byte or more), so the work is bounded. A slice may end
        // with the first half of a pair, but never gets to write it: its units before it take all
        // but at most one byte of the room, and a lone half takes three (U+FFFD).
        const end = Math.min(source.length, this.offset + room.length);
        ({ read, written: count } = encoder.encodeInto(source.slice(this.offset, end), room));
      } else {
        count = read = Math.min(room.length, source.length - this.offset);
        room.set(source.subarray(this.offset, this.offset + count));
      }
      this.offset += read;
      this.written += count;
      filled += count;
      if (this.offset === source.length) this.next();
      else if (read === 0) break; // the next character needs more room than is left
    }
    return filled;
  }

  /** Moves past the finished part (and any empty ones), checking its byte count against the plan. */
  private next(): void {
    while (!this.done && this.offset === this.load.sources[this.part]!.length) {
      const planned = this.load.plan.parts[this.part]!.bytes;
      if (this.written !== planned) {
        throw new Error(`part ${this.part} encoded to ${this.written} bytes, not the ${planned} planned`);
      }
      this.part += 1;
      this.offset = 0;
      this.written = 0;
    }
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes} bytes)`;
}
