/**
 * The child's stderr (its own and fd-level writes to fd 1, which process_main points there) comes
 * on a different pipe from the protocol, so it can arrive after the result it belongs to. Before
 * each result the child writes a marker to stderr; the host holds the result until the marker is
 * read, so every byte written during a call is counted in that call's output.
 */

import { StringDecoder } from "node:string_decoder";
import type { HeadTailCollector } from "../truncate.js";

// A NUL byte brackets the marker on purpose: text output practically never contains one.
const NUL = String.fromCharCode(0);
const MARKER = new RegExp(`${NUL}RLM-SYNC-(\\d+)${NUL}`);
/** Longest possible marker: a partial one at a chunk's end is held back until the next chunk. */
const MARKER_MAX = 32;

export class StderrSync {
  private carry = "";
  private readonly decoder = new StringDecoder("utf8");
  private readonly seen = new Set<number>();
  private readonly waiters = new Map<number, () => void>();
  private ended = false;

  constructor(private readonly collector: HeadTailCollector) {}

  push(chunk: Buffer): void {
    let text = this.carry + this.decoder.write(chunk);
    let match = MARKER.exec(text);
    while (match !== null) {
      this.collector.add(text.slice(0, match.index));
      this.mark(Number(match[1]));
      text = text.slice(match.index + match[0].length);
      match = MARKER.exec(text);
    }
    const start = text.lastIndexOf(NUL);
    const partial = start !== -1 && text.length - start < MARKER_MAX;
    this.collector.add(partial ? text.slice(0, start) : text);
    this.carry = partial ? text.slice(start) : "";
  }

  /** Resolves once the marker for call `id` was read (or the stream ended). */
  synced(id: number): Promise<void> {
    if (this.ended || this.seen.delete(id)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  end(): void {
    this.ended = true;
    this.collector.add(this.carry + this.decoder.end());
    this.carry = "";
    for (const resolve of this.waiters.values()) resolve();
    this.waiters.clear();
  }

  private mark(id: number): void {
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    if (waiter === undefined) this.seen.add(id);
    else waiter();
  }
}
