import { isRlmError } from "../errors/index.js";
import { type BoundedBytes, readFileBounded, readFileStart } from "./bounded-read.js";
import { bytesToText } from "./bytes-to-text.js";
import { isBinary, SAMPLE_BYTES } from "./detect-binary.js";
import {
  binaryInputError,
  inputTooLargeError,
  isStringTooLong,
  textTooLongError,
  unreadableInputError,
} from "./input-errors.js";
import { isPdf } from "./read-pdf.js";

/**
 * Reads one file as text, within what is left of the input limit. Text formats (plain, Markdown,
 * JSON, JSONL, CSV, source code) are kept exactly as written: the model parses them in Python,
 * where `json.loads` and `csv` are at hand. A file over the limit is refused from its size before
 * it is read; a stream named as a path (a FIFO, `/dev/zero`) is read only up to the limit.
 */

export interface FileText {
  text: string;
  kind: "text" | "pdf";
  bytes: number;
}

/** How much input was read before this file, and the limit on the whole. */
export interface InputRoom {
  usedBytes: number;
  limitBytes: number;
}

export type FileOutcome =
  | { ok: true; file: FileText }
  | { ok: false; reason: "binary" | "unreadable" | "not a regular file" | "too large"; error: Error };

export interface TryReadFileOptions {
  /** The name the user knows the file by (a path relative to the current directory). */
  name: string;
  room: InputRoom;
  /** Found inside a directory or by a glob, not named: only regular files are read. */
  walked?: boolean;
}

/**
 * Reads a file; a binary, unreadable or special file is an outcome, not an exception, so walks can
 * skip it. "too large" is an outcome too, but no caller may skip it: the input would be incomplete.
 */
export async function tryReadFile(path: string, options: TryReadFileOptions): Promise<FileOutcome> {
  const { name, room } = options;
  const walked = options.walked === true;
  let read: Awaited<ReturnType<typeof readFileBounded>>;
  try {
    read = await readFileBounded(path, Math.max(0, room.limitBytes - room.usedBytes), {
      regularOnly: walked,
    });
  } catch (error) {
    return { ok: false, reason: "unreadable", error: unreadableInputError(name, error) };
  }
  if ("notRegular" in read) {
    const error = unreadableInputError(name, new Error("not a regular file"));
    return { ok: false, reason: "not a regular file", error };
  }
  if (!read.complete) return await overLimit(path, name, read, room, walked);
  const bytes = read.bytes;
  try {
    const { text, kind } = await bytesToText(name, bytes);
    return { ok: true, file: { text, kind, bytes: bytes.length } };
  } catch (error) {
    if (isStringTooLong(error)) return { ok: false, reason: "too large", error: textTooLongError(name) };
    const reason = isRlmError(error) && error.code === "input-binary" ? "binary" : "unreadable";
    return { ok: false, reason, error: error as Error };
  }
}

/**
 * A file too large for what is left. Inside a walk, a large binary (an image, an archive the
 * .gitignore forgot) is skipped as any binary would be: its first bytes are enough to tell.
 */
async function overLimit(
  path: string,
  name: string,
  read: Extract<BoundedBytes, { complete: false }>,
  room: InputRoom,
  walked: boolean,
): Promise<FileOutcome> {
  if (walked) {
    const start = await readFileStart(path, SAMPLE_BYTES).catch(() => new Uint8Array());
    if (!isPdf(name, start) && isBinary(start)) {
      return { ok: false, reason: "binary", error: binaryInputError(name) };
    }
  }
  const error = inputTooLargeError({ name, bytes: read.bytes, exact: read.exact, ...room });
  return { ok: false, reason: "too large", error };
}
