import { stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
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
import { DEFAULT_MAX_TOTAL_BYTES } from "./input-limit.js";
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
  /** The limit on all inputs together, in bytes. Default `DEFAULT_MAX_TOTAL_BYTES` (1 GiB). */
  maxTotalBytes?: number;
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
  const room: InputRoom = { usedBytes: 0, limitBytes: maxTotalBytes };
  const nameOf = (absolute: string): string => {
    const local = relative(cwd, absolute);
    const outside = local.startsWith("..") || isAbsolute(local);
    return (outside ? absolute : local).split(sep).join("/");
  };
  /** Adds the readable files among `paths` (found by a walk or a glob); returns how many were added. */
  const addMany = async (paths: string[]): Promise<number> => {
    let added = 0;
    for (const absolute of paths) {
      await options.checkPath?.(absolute);
      const name = nameOf(absolute);
      const outcome = await tryReadFile(absolute, { name, room, walked: true });
      // Skipping a file for its size would answer from part of what was asked: never.
      if (!outcome.ok && outcome.reason === "too large") throw outcome.error;
      if (!outcome.ok) {
        skipped.push({ name, reason: outcome.reason });
        continue;
      }
      room.usedBytes += outcome.file.bytes;
      entries.set(name, { text: outcome.file.text, kind: outcome.file.kind });
      added++;
    }
    return added;
  };

  let single = inputs.length === 1;
  for (const spec of inputs) {
    if (spec === "-") {
      if (!options.readStdin) throw noInputError();
      const read = await options.readStdin(Math.max(0, maxTotalBytes - room.usedBytes));
      if (!read.complete)
        throw inputTooLargeError({ name: "stdin", bytes: read.bytes, exact: read.exact, ...room });
      if (isBinary(read.bytes)) throw binaryInputError("stdin");
      room.usedBytes += read.bytes.length;
      entries.set(STDIN_NAME, { text: decodeStdin(read.bytes), kind: "stdin" });
      continue;
    }
    const absolute = resolve(cwd, spec);
    await options.checkPath?.(absolute);
    const kind = await stat(absolute).then(
      (stats) => (stats.isDirectory() ? "directory" : "file"),
      () => "missing" as const,
    );
    if (kind === "file") {
      const name = nameOf(absolute);
      const outcome = await tryReadFile(absolute, { name, room });
      // A file named on the command line was asked for: failing to read it is an error, not a skip.
      if (!outcome.ok) throw outcome.error;
      room.usedBytes += outcome.file.bytes;
      entries.set(name, { text: outcome.file.text, kind: outcome.file.kind });
    } else if (kind === "directory") {
      single = false;
      await addMany((await walkDirectory(absolute)).map((path) => join(absolute, path)));
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
