/**
 * A context that stays on disk: a text file the sandbox reads a window at a time instead of
 * holding it (a lazy context). In Python it is a `LazyText` (python/lazy_context.py) whose reads come
 * back to the host as `{"type": "read", "source", "offset", "length"}` host calls, which
 * `ContextSources` answers from the file by offset: the bytes pass through a buffer of one window,
 * never the host's heap as a whole, so a 10 GB log costs what one window costs.
 *
 * The file must not change while a run reads it: a read past its end (it shrank) fails in Python,
 * and other changes are not detected.
 */

import { open, stat } from "node:fs/promises";
import { RlmError } from "../errors/index.js";
import type { ContextInput, LazyFile } from "./types.js";

/** Characters of the file's start kept for the first message's preview. */
const PREVIEW_BYTES = 512;

/** The most one read may ask for: a scan's window and its overlap (lazy_context.py) fit well inside. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export class ContextFile implements LazyFile {
  private constructor(
    /** Absolute or relative path, as given. */
    readonly path: string,
    readonly byteLength: number,
    /** The decoded start of the file (for the first message), never more than PREVIEW_BYTES. */
    readonly preview: string,
    /** The file's modification time when it was opened (part of a replay's context digest). */
    readonly modifiedMs: number,
  ) {}

  /** A regular file as a lazy context (its size and start are read now). */
  static async open(path: string): Promise<ContextFile> {
    let stats: Awaited<ReturnType<typeof stat>>;
    try {
      stats = await stat(path);
    } catch (error) {
      throw new RlmError("sandbox-bad-context", `cannot read the context file ${path}`, {
        hint: "Check that the path exists and is readable.",
        cause: error,
      });
    }
    if (!stats.isFile()) {
      throw new RlmError("sandbox-bad-context", `the context file ${path} is not a regular file`, {
        hint: "Pass a regular file; read a stream or a device into a file first.",
      });
    }
    const start = await readRange(path, 0, Math.min(PREVIEW_BYTES, stats.size), stats.size);
    const preview = new TextDecoder("utf-8", { fatal: false }).decode(start).replace(/\uFFFD$/, "");
    return new ContextFile(path, stats.size, preview, stats.mtimeMs);
  }

  /** `length` bytes at `offset` (fewer at the end), after `prefix` free bytes of the buffer returned. */
  read(offset: number, length: number, prefix = 0): Promise<Uint8Array> {
    return readRange(this.path, offset, length, this.byteLength, prefix);
  }
}

async function readRange(
  path: string,
  offset: number,
  length: number,
  byteLength: number,
  prefix = 0,
): Promise<Uint8Array> {
  const wanted = Math.max(0, Math.min(length, byteLength - offset));
  const buffer = Buffer.allocUnsafe(prefix + wanted);
  const handle = await open(path, "r");
  try {
    let done = 0;
    while (done < wanted) {
      const { bytesRead } = await handle.read(buffer, prefix + done, wanted - done, offset + done);
      if (bytesRead === 0) break; // the file shrank: the caller sees fewer bytes than it asked for
      done += bytesRead;
    }
    return buffer.subarray(0, prefix + done);
  } finally {
    await handle.close();
  }
}

export function isContextFile(value: unknown): value is LazyFile {
  return value instanceof ContextFile;
}

/** A lazy context's files and shape, or undefined for a context of texts or JSON values. */
export interface LazyParts {
  kind: "str" | "list" | "dict";
  files: LazyFile[];
  /** Only for "dict": the key of each file. */
  keys?: string[];
}

export function lazyParts(context: ContextInput | Uint8Array): LazyParts | undefined {
  if (isContextFile(context)) return { kind: "str", files: [context] };
  if (typeof context !== "object" || context === null || context instanceof Uint8Array) return undefined;
  const keys = Array.isArray(context) ? undefined : Object.keys(context);
  const values: unknown[] = Array.isArray(context) ? context : Object.values(context);
  const files = values.filter(isContextFile);
  if (files.length === 0) return undefined;
  if (files.length !== values.length) {
    throw new RlmError("sandbox-bad-context", "a context mixes files read lazily with texts or values", {
      hint: "Make every part a ContextFile (each read as Python goes), or read every part into a string.",
    });
  }
  return keys === undefined ? { kind: "list", files } : { kind: "dict", files, keys };
}

/**
 * The files of the lazy contexts loaded into one sandbox, by the number Python names them with.
 * A read names a number, an offset and a length; anything else is refused, so the model's code can
 * read what was loaded and nothing else.
 */
export class ContextSources {
  private readonly files: LazyFile[] = [];
  private queue: Promise<void> = Promise.resolve();

  /** The number Python reads `file` by (the same file loaded twice gets one number). */
  add(file: LazyFile): number {
    const known = this.files.indexOf(file);
    if (known >= 0) return known;
    this.files.push(file);
    return this.files.length - 1;
  }

  /**
   * Answers a read: byte 0 is 0 then the data, or 1 then an error message (UTF-8). The data goes
   * straight into the reply buffer, behind its status byte.
   */
  read(request: ReadRequest): Promise<Uint8Array> {
    // One read at a time per sandbox: Python threads asking at once cannot make the host hold a
    // window per thread (each is up to MAX_READ_BYTES).
    const read = this.queue.then(() => this.readNow(request));
    this.queue = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  }

  private async readNow(request: ReadRequest): Promise<Uint8Array> {
    const { source, offset, length } = request;
    const file = typeof source === "number" && Number.isSafeInteger(source) ? this.files[source] : undefined;
    if (file === undefined) return failure(`no context source ${JSON.stringify(source)} in this sandbox`);
    if (
      !(typeof offset === "number" && typeof length === "number") ||
      !(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0)
    )
      return failure("a read needs a whole offset and length, both 0 or more");
    if (length > MAX_READ_BYTES) return failure(`a read of more than ${MAX_READ_BYTES} bytes at once`);
    try {
      const data = await file.read(offset, length, 1);
      data[0] = 0;
      return data;
    } catch (error) {
      return failure(
        `reading the context file failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** A read as Python sends it; its fields are checked by `ContextSources.read`, not trusted. */
export interface ReadRequest {
  type: "read";
  source?: unknown;
  offset?: unknown;
  length?: unknown;
}

export function isReadRequest(request: unknown): request is ReadRequest {
  return typeof request === "object" && request !== null && (request as { type?: unknown }).type === "read";
}

function failure(message: string): Uint8Array {
  const text = Buffer.from(message, "utf8");
  const reply = Buffer.allocUnsafe(text.length + 1);
  reply[0] = 1;
  text.copy(reply, 1);
  return reply;
}
