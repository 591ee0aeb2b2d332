import { stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ContextInput } from "../sandbox/types.js";
import { decodeText, isBinary } from "./detect-binary.js";
import { globBase, globToRegExp, isGlob } from "./glob.js";
import {
  binaryInputError,
  emptyInputError,
  globMatchedNothingError,
  inputNotFoundError,
  inputTooLargeError,
  noInputError,
} from "./input-errors.js";
import { tryReadFile } from "./read-file.js";
import { walkDirectory } from "./walk-directory.js";

export const STDIN_NAME = "<stdin>";
/** About what the Python sandbox holds comfortably (DESIGN.md: ~1 GB practical ceiling). */
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

export interface ReadInputsOptions {
  /** Base for relative paths and for the names of dict entries. Default `process.cwd()`. */
  cwd?: string;
  /** Reads all of stdin; used for `-`, or when no paths are given and stdin is not a terminal. */
  readStdin?: () => Promise<Uint8Array>;
  /** True when stdin is a terminal (nothing piped): then no paths means no input. */
  stdinIsTerminal?: boolean;
  maxTotalBytes?: number;
}

export interface InputFile {
  /** The dict key (a path relative to `cwd` where possible) or `<stdin>`. */
  name: string;
  kind: "text" | "pdf" | "stdin";
  characters: number;
}

export interface InputResult {
  /** A `str` for one file or stdin, a `dict` path -> content for several files or a directory. */
  context: ContextInput;
  files: InputFile[];
  /** Files inside directories or globs left out, with why (binary, unreadable). */
  skipped: { name: string; reason: string }[];
}

/** Turns command-line inputs (files, directories, globs, `-`) into one context. */
export async function readInputs(specs: string[], options: ReadInputsOptions = {}): Promise<InputResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  let inputs = specs;
  if (inputs.length === 0) {
    if (options.stdinIsTerminal !== false || !options.readStdin) throw noInputError();
    inputs = ["-"];
  }
  const entries = new Map<string, { text: string; kind: InputFile["kind"] }>();
  const skipped: InputResult["skipped"] = [];
  let totalBytes = 0;
  const nameOf = (absolute: string): string => {
    const local = relative(cwd, absolute);
    const outside = local.startsWith("..") || isAbsolute(local);
    return (outside ? absolute : local).split(sep).join("/");
  };
  const account = (bytes: number): void => {
    totalBytes += bytes;
    if (totalBytes > maxTotalBytes) throw inputTooLargeError(totalBytes, maxTotalBytes);
  };
  /** Adds the readable files among `paths`; returns how many were added. */
  const addMany = async (paths: string[]): Promise<number> => {
    let added = 0;
    for (const absolute of paths) {
      const outcome = await tryReadFile(absolute);
      if (!outcome.ok) {
        skipped.push({ name: nameOf(absolute), reason: outcome.reason });
        continue;
      }
      account(outcome.file.bytes);
      entries.set(nameOf(absolute), { text: outcome.file.text, kind: outcome.file.kind });
      added++;
    }
    return added;
  };

  let single = inputs.length === 1;
  for (const spec of inputs) {
    if (spec === "-") {
      if (!options.readStdin) throw noInputError();
      const bytes = await options.readStdin();
      if (isBinary(bytes)) throw binaryInputError("stdin");
      account(bytes.length);
      entries.set(STDIN_NAME, { text: decodeText(bytes).text, kind: "stdin" });
      continue;
    }
    const absolute = resolve(cwd, spec);
    const kind = await stat(absolute).then(
      (stats) => (stats.isDirectory() ? "directory" : "file"),
      () => "missing" as const,
    );
    if (kind === "file") {
      const outcome = await tryReadFile(absolute);
      // A file named on the command line was asked for: failing to read it is an error, not a skip.
      if (!outcome.ok) throw outcome.error;
      account(outcome.file.bytes);
      entries.set(nameOf(absolute), { text: outcome.file.text, kind: outcome.file.kind });
    } else if (kind === "directory") {
      single = false;
      await addMany((await walkDirectory(absolute)).map((path) => join(absolute, path)));
    } else if (isGlob(spec)) {
      single = false;
      const base = globBase(spec);
      const baseAbsolute = resolve(cwd, base);
      const matcher = globToRegExp(spec);
      const found = await walkDirectory(baseAbsolute).catch(() => [] as string[]);
      const matches = found.filter((path) =>
        matcher.test(base === "." ? path : `${base.replace(/\/$/, "")}/${path}`),
      );
      if ((await addMany(matches.map((path) => join(baseAbsolute, path)))) === 0)
        throw globMatchedNothingError(spec);
    } else {
      throw inputNotFoundError(spec);
    }
  }

  const files = [...entries].map(([name, entry]) => ({
    name,
    kind: entry.kind,
    characters: entry.text.length,
  }));
  if ([...entries.values()].every((entry) => entry.text.trim() === "")) {
    throw emptyInputError(
      inputs.length === 1 ? describeSpec(inputs[0] as string) : "the inputs",
      skipped.length,
    );
  }
  const first = entries.values().next().value;
  const context: ContextInput =
    single && entries.size === 1 && first
      ? first.text
      : Object.fromEntries([...entries].map(([name, entry]) => [name, entry.text]));
  return { context, files, skipped };
}

function describeSpec(spec: string): string {
  return spec === "-" ? "stdin" : spec;
}
