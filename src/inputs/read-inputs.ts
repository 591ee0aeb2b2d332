import { stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ContextFile } from "../sandbox/context-file.js";
import type { ContextInput } from "../sandbox/types.js";
import type { BoundedBytes } from "./bounded-read.js";
import { decodeText, isBinary } from "./detect-binary.js";
import { globBase, globToRegExp, isGlob } from "./glob.js";
import {
  binaryInputError,
  emptyInputError,
  globMatchedNothingError,
  inputNotFoundError,
  inputTooLargeError,
  isStringTooLong,
  noInputError,
  textTooLongError,
} from "./input-errors.js";
import { DEFAULT_LAZY_ABOVE_BYTES, DEFAULT_MAX_TOTAL_BYTES } from "./input-limit.js";
import { type Candidate, openLazily, stdinWithLazyInputs, totalSize } from "./lazy-inputs.js";
import { type InputRoom, tryReadFile } from "./read-file.js";
import { walkDirectory } from "./walk-directory.js";

export const STDIN_NAME = "<stdin>";

export interface ReadInputsOptions {
  /** Base for relative paths and for the names of dict entries. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Reads stdin, for `-` or when no paths are given and stdin is not a terminal: all of it, or, once
   * it gives more than `limitBytes`, stops (`complete: false`) so an endless stream cannot fill memory.
   */
  readStdin?: (limitBytes: number) => Promise<BoundedBytes>;
  /** True when stdin is a terminal (nothing piped): then no paths means no input. */
  stdinIsTerminal?: boolean;
  /** The limit on inputs read into memory together, in bytes. Default `DEFAULT_MAX_TOTAL_BYTES` (1 GiB). */
  maxTotalBytes?: number;
  /**
   * Files above this many bytes together are not read but opened as a lazy context (Python reads
   * them as it goes): bounded by disk, not memory. Default `DEFAULT_LAZY_ABOVE_BYTES` (256 MiB).
   */
  lazyAboveBytes?: number;
  /** true: read lazily at any size; false: never (the input limit applies). Default: by size. */
  lazy?: boolean;
  /**
   * Called with an absolute path before anything touches it: each path given (before it is looked
   * at), a glob's base directory (before it is walked) and each file a walk or glob found (before
   * it is read). Throwing refuses the input. `rlm mcp` keeps paths inside its roots with it.
   */
  checkPath?: (absolute: string) => Promise<void>;
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
  /** The files are read lazily (the context is `ContextFile`s; `characters` counts bytes). */
  lazy: boolean;
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
  const nameOf = (absolute: string): string => {
    const local = relative(cwd, absolute);
    const outside = local.startsWith("..") || isAbsolute(local);
    return (outside ? absolute : local).split(sep).join("/");
  };

  // First what the inputs name (nothing is read yet), then how: whole, or lazily when large.
  const candidates: (Candidate & { glob?: string })[] = [];
  let stdinAt: number | undefined;
  let single = inputs.length === 1;
  for (const spec of inputs) {
    if (spec === "-") {
      if (!options.readStdin) throw noInputError();
      stdinAt = candidates.length;
      continue;
    }
    const absolute = resolve(cwd, spec);
    await options.checkPath?.(absolute);
    const kind = await stat(absolute).then(
      (stats) => (stats.isDirectory() ? "directory" : "file"),
      () => "missing" as const,
    );
    const walkedFiles = async (paths: string[], glob?: string) => {
      for (const found of paths) {
        await options.checkPath?.(found);
        candidates.push({ name: nameOf(found), absolute: found, walked: true, ...(glob ? { glob } : {}) });
      }
    };
    if (kind === "file") {
      candidates.push({ name: nameOf(absolute), absolute, walked: false });
    } else if (kind === "directory") {
      single = false;
      await walkedFiles((await walkDirectory(absolute)).map((path) => join(absolute, path)));
    } else if (isGlob(spec)) {
      single = false;
      const base = globBase(spec);
      const baseAbsolute = resolve(cwd, base);
      await options.checkPath?.(baseAbsolute);
      const matcher = globToRegExp(spec);
      const found = await walkDirectory(baseAbsolute).catch(() => [] as string[]);
      const matches = found.filter((path) =>
        matcher.test(base === "." ? path : `${base.replace(/\/$/, "")}/${path}`),
      );
      if (matches.length === 0) throw globMatchedNothingError(spec);
      await walkedFiles(
        matches.map((path) => join(baseAbsolute, path)),
        spec,
      );
    } else {
      throw inputNotFoundError(spec);
    }
  }

  const lazyAbove = options.lazyAboveBytes ?? DEFAULT_LAZY_ABOVE_BYTES;
  const filesBytes = candidates.length > 0 ? await totalSize(candidates) : 0;
  const lazy = options.lazy === true || (options.lazy !== false && filesBytes > lazyAbove);
  if (lazy && stdinAt !== undefined) throw stdinWithLazyInputs(filesBytes, lazyAbove);
  const read = lazy ? await openAll(candidates) : await readAll(candidates, stdinAt, options, maxTotalBytes);
  // A glob whose every match was skipped (binary, unreadable) matched no text file. One pass: a glob
  // over a large tree has as many candidates as files.
  const globsRead = new Set(
    candidates.flatMap((candidate) => (read.entries.has(candidate.name) ? [candidate.glob] : [])),
  );
  for (const glob of new Set(candidates.flatMap((candidate) => candidate.glob ?? []))) {
    if (!globsRead.has(glob)) throw globMatchedNothingError(glob);
  }
  const { entries, skipped } = read;
  const files = [...entries].map(([name, entry]) => ({
    name,
    kind: entry.kind,
    characters: typeof entry.text === "string" ? entry.text.length : entry.text.byteLength,
  }));
  const empty = (entry: Entry) =>
    typeof entry.text === "string" ? entry.text.trim() === "" : entry.text.byteLength === 0;
  if ([...entries.values()].every(empty)) {
    throw emptyInputError(
      inputs.length === 1 ? describeSpec(inputs[0] as string) : "the inputs",
      skipped.length,
    );
  }
  const texts = [...entries].map(([name, entry]) => [name, entry.text] as const);
  const first = texts[0]?.[1];
  const context: ContextInput =
    single && entries.size === 1 && first !== undefined
      ? first
      : lazy
        ? Object.fromEntries(texts as [string, ContextFile][])
        : Object.fromEntries(texts as [string, string][]);
  return { context, files, skipped, lazy };
}

interface Entry {
  text: string | ContextFile;
  kind: InputFile["kind"];
}

interface ReadAll {
  entries: Map<string, Entry>;
  skipped: InputResult["skipped"];
}

/** Reads every candidate (and stdin, in its place) into memory, within the input limit. */
async function readAll(
  candidates: Candidate[],
  stdinAt: number | undefined,
  options: ReadInputsOptions,
  maxTotalBytes: number,
): Promise<ReadAll> {
  const entries = new Map<string, Entry>();
  const skipped: InputResult["skipped"] = [];
  const room: InputRoom = { usedBytes: 0, limitBytes: maxTotalBytes };
  for (let index = 0; index <= candidates.length; index++) {
    if (index === stdinAt && options.readStdin) {
      const read = await options.readStdin(Math.max(0, maxTotalBytes - room.usedBytes));
      if (!read.complete)
        throw inputTooLargeError({ name: "stdin", bytes: read.bytes, exact: read.exact, ...room });
      if (isBinary(read.bytes)) throw binaryInputError("stdin");
      room.usedBytes += read.bytes.length;
      entries.set(STDIN_NAME, { text: decodeStdin(read.bytes), kind: "stdin" });
    }
    const candidate = candidates[index];
    if (candidate === undefined) continue;
    const { name, absolute, walked } = candidate;
    const outcome = await tryReadFile(absolute, { name, room, walked });
    // A file named on the command line was asked for: failing to read it is an error, not a skip.
    // Skipping a file for its size would answer from part of what was asked: never.
    if (!outcome.ok && (!walked || outcome.reason === "too large")) throw outcome.error;
    if (!outcome.ok) {
      skipped.push({ name, reason: outcome.reason });
      continue;
    }
    room.usedBytes += outcome.file.bytes;
    entries.set(name, { text: outcome.file.text, kind: outcome.file.kind });
  }
  return { entries, skipped };
}

/** Opens every candidate as a lazy context file (nothing is read but each file's start). */
async function openAll(candidates: Candidate[]): Promise<ReadAll> {
  const entries = new Map<string, Entry>();
  const skipped: InputResult["skipped"] = [];
  for (const candidate of candidates) {
    const outcome = await openLazily(candidate);
    if (!outcome.ok && !candidate.walked) throw outcome.error;
    if (!outcome.ok) {
      skipped.push({ name: candidate.name, reason: outcome.reason });
      continue;
    }
    entries.set(candidate.name, { text: outcome.file, kind: "text" });
  }
  return { entries, skipped };
}

function decodeStdin(bytes: Uint8Array): string {
  try {
    return decodeText(bytes).text;
  } catch (error) {
    if (isStringTooLong(error)) throw textTooLongError("stdin");
    throw error;
  }
}

function describeSpec(spec: string): string {
  return spec === "-" ? "stdin" : spec;
}
