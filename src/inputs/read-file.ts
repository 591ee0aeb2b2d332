import { readFile } from "node:fs/promises";
import { isRlmError } from "../errors/index.js";
import { bytesToText } from "./bytes-to-text.js";
import { unreadableInputError } from "./input-errors.js";

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
  try {
    const { text, kind } = await bytesToText(path, bytes);
    return { ok: true, file: { text, kind, bytes: bytes.length } };
  } catch (error) {
    const reason = isRlmError(error) && error.code === "input-binary" ? "binary" : "unreadable";
    return { ok: false, reason, error: error as Error };
  }
}
