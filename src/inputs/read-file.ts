import { readFile } from "node:fs/promises";
import { decodeText, isBinary } from "./detect-binary.js";
import { binaryInputError, unreadableInputError } from "./input-errors.js";
import { isPdf, readPdfText } from "./read-pdf.js";

/**
 * Reads one file as text. Text formats (plain, Markdown, JSON, JSONL, CSV, source code) are kept
 * exactly as written: the model parses them in Python, where `json.loads` and `csv` are at hand.
 */

export interface FileText {
  text: string;
  kind: "text" | "pdf";
  bytes: number;
}

export type FileOutcome =
  | { ok: true; file: FileText }
  | { ok: false; reason: "binary" | "unreadable"; error: Error };

/** Reads a file; a binary or unreadable file is an outcome, not an exception, so walks can skip it. */
export async function tryReadFile(path: string): Promise<FileOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { ok: false, reason: "unreadable", error: unreadableInputError(path, error) };
  }
  if (isPdf(path, bytes)) {
    try {
      return { ok: true, file: { text: await readPdfText(path, bytes), kind: "pdf", bytes: bytes.length } };
    } catch (error) {
      return { ok: false, reason: "unreadable", error: error as Error };
    }
  }
  if (isBinary(bytes)) return { ok: false, reason: "binary", error: binaryInputError(path) };
  return { ok: true, file: { text: decodeText(bytes).text, kind: "text", bytes: bytes.length } };
}
