/**
 * Inputs too large to read into memory become lazy contexts: each text file is opened as a
 * `ContextFile` that Python reads a window at a time, so the only bound is the disk. A binary file
 * is told apart from its first bytes, as when reading eagerly; a PDF is not read lazily (its text
 * must be extracted first), so a named one is refused and one inside a directory is skipped.
 */

import { stat } from "node:fs/promises";
import { RlmError } from "../errors/index.js";
import { ContextFile } from "../sandbox/context-file.js";
import { readFileStart } from "./bounded-read.js";
import { isBinary, SAMPLE_BYTES } from "./detect-binary.js";
import { binaryInputError, unreadableInputError } from "./input-errors.js";
import { formatBytes } from "./input-limit.js";
import { isPdf } from "./read-pdf.js";

/** A file an input named or a walk found, before it is read. */
export interface Candidate {
  name: string;
  absolute: string;
  /** Found inside a directory or by a glob (skipped, not refused, when unusable). */
  walked: boolean;
}

/** The sizes of the candidates together (a file that cannot be stat'ed counts 0: reading it says why). */
export async function totalSize(candidates: Candidate[]): Promise<number> {
  const sizes = await Promise.all(
    candidates.map((candidate) =>
      stat(candidate.absolute).then(
        (stats) => (stats.isFile() ? stats.size : 0),
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

export type LazyOutcome = { ok: true; file: ContextFile } | { ok: false; reason: string; error: Error };

export async function openLazily(candidate: Candidate): Promise<LazyOutcome> {
  const { name, absolute, walked } = candidate;
  let start: Uint8Array;
  try {
    const stats = await stat(absolute);
    if (!stats.isFile()) {
      return {
        ok: false,
        reason: "not a regular file",
        error: unreadableInputError(name, new Error("not a regular file")),
      };
    }
    start = await readFileStart(absolute, SAMPLE_BYTES);
  } catch (error) {
    return { ok: false, reason: "unreadable", error: unreadableInputError(name, error) };
  }
  if (isPdf(name, start)) {
    const error = new RlmError(
      "input-binary",
      `${name} is a PDF, which is not read lazily (its text must be extracted first).`,
      {
        hint: `Extract its text first (pdftotext ${name}), or ask about it on its own: inputs under the lazy threshold are read whole.`,
      },
    );
    return { ok: false, reason: "a PDF in a lazy context", error };
  }
  if (isBinary(start)) return { ok: false, reason: "binary", error: binaryInputError(name) };
  try {
    return { ok: true, file: await ContextFile.open(absolute) };
  } catch (error) {
    return {
      ok: false,
      reason: "unreadable",
      error: walked ? (error as Error) : unreadableInputError(name, error),
    };
  }
}

/** Stdin is read into memory; with inputs this large, it cannot join them. */
export function stdinWithLazyInputs(totalBytes: number, thresholdBytes: number): RlmError {
  return new RlmError(
    "input-too-large",
    `The files given are ${formatBytes(totalBytes)} together, over ${formatBytes(thresholdBytes)}, so they are read lazily from disk; stdin cannot be read that way.`,
    { hint: "Save stdin to a file and pass its path instead of -." },
  );
}
