/**
 * A context load, end to end. A 100 MB context must not be copied whole anywhere on its way into
 * Python (the target is peak memory <= 3 x context + 200 MB, the caller's own string included): the
 * host encodes the parts piece by piece (`PartReader`) into chunks of one slot each, sent to the
 * sandbox host process one at a time as it asks for them; there `feedSlots` copies each into the two
 * slots of a SharedArrayBuffer (`STREAM`) while the worker copies each slot straight into the Python
 * objects that will hold the text (see `receiveContext` in worker.ts and `_rlm_load_prepare` in
 * driver.py).
 */
import type { PlannedLoad } from "../context-encoding.js";
import { STREAM, slotBytesOf } from "./messages.js";
import type { ChunkSource } from "./pyodide-worker.js";

/** A small context gets small slots: zeroing 2 MiB took ~2 ms of every small completion's start. */
export function slotBytesFor(byteLength: number): number {
  return Math.min(STREAM.slotBytes, Math.max(64, byteLength));
}

/** How long the feeder sleeps between checks that the call has not ended without it. */
const POLL_MS = 100;

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * The sandbox host process's half of a load: copies each chunk the host sends (`next`, undefined
 * once all have come) into the stream's slots in turn, as the worker empties them. `settled`: the
 * worker's call has ended (stop feeding). A failure to get a chunk raises `hostFailed`, so the worker
 * stops waiting, and is thrown.
 */
export async function feedSlots(
  stream: SharedArrayBuffer,
  next: () => Promise<Uint8Array | undefined>,
  settled: () => boolean,
): Promise<void> {
  const control = new Int32Array(stream, 0, STREAM.controlWords);
  const slotBytes = slotBytesOf(stream);
  const slots = [0, 1].map(
    (slot) => new Uint8Array(stream, STREAM.controlWords * 4 + slot * slotBytes, slotBytes),
  );
  try {
    for (let slot = 0; ; slot ^= 1) {
      const chunk = await next();
      if (chunk === undefined) return;
      // Wait until the worker has emptied this slot; stop if the call ended without it.
      for (let length = Atomics.load(control, slot); length !== 0; length = Atomics.load(control, slot)) {
        if (settled()) return;
        const wait = waitAsync(control, slot, length, POLL_MS);
        if (wait.async) await wait.value;
      }
      slots[slot]!.set(chunk);
      Atomics.store(control, slot, chunk.length);
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
export class PartReader implements ChunkSource {
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
