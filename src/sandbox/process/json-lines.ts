/**
 * Splits a byte stream into JSON messages, one per line. Chunks are kept as bytes until a newline
 * arrives, so a multi-megabyte message (a 100 MB `getVar`) is decoded once, not re-scanned per chunk.
 */

export class JsonLineReader {
  private pending: Buffer[] = [];

  constructor(
    private readonly onMessage: (message: unknown) => void,
    private readonly onBrokenLine: (error: Error) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10);
    while (newline !== -1) {
      this.pending.push(chunk.subarray(start, newline));
      const line = Buffer.concat(this.pending).toString("utf8");
      this.pending = [];
      if (line.trim() !== "") this.parse(line);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private parse(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.onBrokenLine(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.onMessage(message);
  }
}
