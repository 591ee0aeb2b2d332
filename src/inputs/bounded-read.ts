import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

/**
 * Reading that is bounded before it happens. A regular file's size is known from `fstat`, so one
 * over the limit is refused without reading a byte; anything else (a character device such as
 * `/dev/zero`, a FIFO, a pipe on stdin) has no size, so it is read with a running count and
 * abandoned as soon as the count passes the limit. Memory never holds more than the limit plus one
 * chunk, whatever the input does.
 */

/** Bytes read per step from a stream: small enough to overshoot little, large enough to be quick. */
const STREAM_CHUNK_BYTES = 1024 * 1024;

export type BoundedBytes =
  | { complete: true; bytes: Uint8Array }
  | {
      complete: false;
      /** The file's size (`exact`), or how much a stream gave before reading stopped. */
      bytes: number;
      /** True when the size came from `stat`; false when a stream was still going at the limit. */
      exact: boolean;
    };

/** What a file turned out to be when it was opened. */
export type FileRead = BoundedBytes | { complete: false; notRegular: true };

export interface ReadFileBoundedOptions {
  /**
   * Found by a directory walk rather than named by the user: then only regular files are read.
   * The file is opened without blocking and without following a symbolic link, so a FIFO or a
   * device put in the walk's way is skipped instead of blocking or streaming forever.
   */
  regularOnly?: boolean;
}

/** Reads a file into memory if it fits in `limitBytes`. */
export async function readFileBounded(
  path: string,
  limitBytes: number,
  options: ReadFileBoundedOptions = {},
): Promise<FileRead> {
  const flags = options.regularOnly
    ? constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW
    : constants.O_RDONLY;
  const handle = await open(path, flags);
  try {
    const stats = await handle.stat();
    if (stats.isFile()) {
      if (stats.size > limitBytes) return { complete: false, bytes: stats.size, exact: true };
      // One extra byte notices a file that grew since `stat` (a log being written): it goes on in chunks.
      return await readHandleBounded(handle, limitBytes, stats.size + 1);
    }
    if (options.regularOnly || stats.isDirectory()) return { complete: false, notRegular: true };
    return await readHandleBounded(handle, limitBytes, STREAM_CHUNK_BYTES);
  } finally {
    await handle.close();
  }
}

/** The first `bytes` bytes of a file (fewer if it is shorter): enough to tell binary from text. */
export async function readFileStart(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads `handle` to its end, in chunks (the first `firstChunkBytes` long), stopping past `limitBytes`. */
async function readHandleBounded(
  handle: FileHandle,
  limitBytes: number,
  firstChunkBytes: number,
): Promise<BoundedBytes> {
  const chunks: Buffer[] = [];
  let total = 0;
  let chunkBytes = Math.max(1, firstChunkBytes);
  for (;;) {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const filled = await fill(handle, buffer);
    if (filled > 0) chunks.push(buffer.subarray(0, filled));
    total += filled;
    if (total > limitBytes) return { complete: false, bytes: total, exact: false };
    if (filled < buffer.length) break;
    chunkBytes = STREAM_CHUNK_BYTES;
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  return { complete: true, bytes };
}

/** Reads into `buffer` until it is full or the input ends; returns the bytes read. */
async function fill(handle: FileHandle, buffer: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Reads a stream (stdin) to its end with a running count, abandoning it (which destroys it) once
 * the count passes `limitBytes`.
 */
export async function readStreamBounded(
  stream: AsyncIterable<Uint8Array | string>,
  limitBytes: number,
): Promise<BoundedBytes> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const part of stream) {
    const chunk =
      typeof part === "string"
        ? Buffer.from(part)
        : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    chunks.push(chunk);
    total += chunk.length;
    // Leaving the loop ends the iteration, which destroys the stream: nothing more is read.
    if (total > limitBytes) return { complete: false, bytes: total, exact: false };
  }
  return { complete: true, bytes: Buffer.concat(chunks, total) };
}
