import { RlmError } from "../errors/index.js";

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

export function inputTooLargeError(totalBytes: number, limitBytes: number): RlmError {
  const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
  return new RlmError(
    "input-too-large",
    `The input is ${megabytes(totalBytes)}, over the ${megabytes(limitBytes)} limit.`,
    {
      hint: "Narrow the paths (or add a .gitignore), or split the question over smaller inputs.",
    },
  );
}
