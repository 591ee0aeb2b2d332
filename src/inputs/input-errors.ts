import { constants } from "node:buffer";
import { RlmError } from "../errors/index.js";
import { formatBytes, MAX_INPUT_BYTES_VARIABLE } from "./input-limit.js";

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/**
 * Errors for inputs that cannot become a context. Each names the path and says what to do; the CLI
 * maps the `input-*` codes to exit code 3.
 */

export function inputNotFoundError(path: string): RlmError {
  return new RlmError("input-not-found", `No such file or directory: ${path}`, {
    hint: "Check the path (it is relative to the current directory), or quote a glob like 'docs/**/*.md'.",
  });
}

export function globMatchedNothingError(pattern: string): RlmError {
  return new RlmError("input-not-found", `The pattern ${pattern} matched no text files.`, {
    hint: "Check the pattern; files ignored by .gitignore and binary files are not matched.",
  });
}

export function binaryInputError(path: string): RlmError {
  return new RlmError("input-binary", `${path} is a binary file, not text.`, {
    hint: "Pass text files (plain text, Markdown, JSON, CSV, source code) or a PDF; convert other formats to text first.",
  });
}

export function emptyInputError(what: string, skipped: number): RlmError {
  const why = skipped > 0 ? ` (${skipped} binary or unreadable file${skipped === 1 ? "" : "s"} skipped)` : "";
  return new RlmError("input-empty", `The input is empty: ${what} has no text${why}.`, {
    hint: "Give the question something to read: a non-empty file, a directory with text files, or text on stdin.",
  });
}

export function noInputError(): RlmError {
  return new RlmError("input-missing", "No input: give files, directories or globs, or pipe text on stdin.", {
    hint: 'Example: rlm ask "What changed?" CHANGELOG.md, or: git log | rlm ask "Summarize" -',
  });
}

export function unreadableInputError(path: string, cause: unknown): RlmError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new RlmError("input-unreadable", `Cannot read ${path}: ${detail}`, {
    hint: "Check the file's permissions, or leave it out.",
    cause,
  });
}

export interface TooLargeDetail {
  /** What was too large: a path, or "stdin". */
  name: string;
  /** Its size (`exact`, from stat), or what a stream gave before reading stopped. */
  bytes: number;
  /** False for a stream that was still going when reading stopped at the limit. */
  exact: boolean;
  /** Bytes of the inputs read before this one. */
  usedBytes: number;
  limitBytes: number;
}

/** An input over the limit: from its size before reading, or a stream stopped at the limit. */
export function inputTooLargeError(detail: TooLargeDetail): RlmError {
  const { name, bytes, exact, usedBytes, limitBytes } = detail;
  const left = Math.max(0, limitBytes - usedBytes);
  const room =
    usedBytes > 0
      ? `the ${formatBytes(left)} left of the ${formatBytes(limitBytes)} input limit (the inputs before it took ${formatBytes(usedBytes)})`
      : `the ${formatBytes(limitBytes)} input limit`;
  const what = exact ? `${name} is ${formatBytes(bytes)}` : `${name} gave more than ${formatBytes(left)}`;
  const stopped = exact ? "nothing was read" : "reading stopped there";
  return new RlmError("input-too-large", `Input too large: ${what}, over ${room}; ${stopped}.`, {
    hint:
      name === "stdin"
        ? `Save it to a file and pass the path: large files are read from disk as the run goes, with no limit but the disk; ${MAX_INPUT_BYTES_VARIABLE} sets the limit in bytes.`
        : exact
          ? `Narrow the paths (or add a .gitignore), or split the question over smaller inputs; ${MAX_INPUT_BYTES_VARIABLE} sets the limit in bytes.`
          : `Give a finite input of the part you need (a file, or: head -c 100M ... | rlm ask ...); ${MAX_INPUT_BYTES_VARIABLE} sets the limit in bytes.`,
  });
}

/** A text file whose characters do not fit in one JavaScript string (about 512 M). */
export function textTooLongError(name: string): RlmError {
  return new RlmError(
    "input-too-large",
    `Input too large: ${name} has more than ${String(MAX_STRING_LENGTH).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} characters, the most one string can hold.`,
    {
      hint: "Split the file into smaller parts (split -C 400M) and pass them together, or pass the part you need.",
    },
  );
}

/** True for the error V8 throws when decoding would make a string over its maximum length. */
export function isStringTooLong(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "ERR_STRING_TOO_LONG" || (error instanceof RangeError && /string length/i.test(error.message))
  );
}
