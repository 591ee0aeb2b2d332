/**
 * Splits a byte stream into JSON messages, one per line. Chunks are kept as bytes until a newline
 * arrives, so a multi-megabyte message (a large `getVar`) is decoded once, not re-scanned per chunk.
 * A line longer than `maxLineBytes` is never assembled: the bytes held so far are dropped and
 * `onOversize` is called, so a child that writes endless bytes without a newline cannot grow the
 * host's memory past the bound.
 */

export interface JsonLineHandlers {
  onMessage: (message: unknown) => void;
  onBrokenLine: (error: Error) => void;
  onOversize: (heldBytes: number) => void;
}

export class JsonLineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** After an oversized line the stream is untrustworthy: everything after it is ignored. */
  private stopped = false;

  constructor(
    private readonly handlers: JsonLineHandlers,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.stopped) return;
    let start = 0;
    let newline = chunk.indexOf(10);
    while (newline !== -1) {
      if (!this.hold(chunk.subarray(start, newline))) return;
      const line = Buffer.concat(this.pending).toString("utf8");
      this.pending = [];
      this.pendingBytes = 0;
      if (line.trim() !== "") this.parse(line);
      if (this.stopped) return;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Keeps part of the current line; false (and the stream stopped) once it is over the bound. */
  private hold(part: Buffer): boolean {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) {
      const held = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      this.stopped = true;
      this.handlers.onOversize(held);
      return false;
    }
    this.pending.push(part);
    return true;
  }

  private parse(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.handlers.onBrokenLine(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.handlers.onMessage(message);
  }
}
