/**
 * The results file: JSONL, one line per task id, appended with a synchronous write the moment a
 * task ends, so a crash keeps every finished task. Opening it reads back the ids already there
 * (the batch skips them), cuts a last line torn by a crash, and with `dropFailed` rewrites the file
 * without its failed lines (atomically: a temporary file renamed over it), so the failed tasks run
 * again and each id still appears once.
 */

import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { RlmError } from "../errors/index.js";

interface ResultLine {
  id: string;
  failed: boolean;
}

/** The id and outcome of either format's line (rlm: `id`, `status`; OpenAI: `custom_id`, `error`, status code). */
function readResultLine(text: string): ResultLine | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value.custom_id === "string") {
    const response = value.response as { status_code?: number } | null | undefined;
    const failed = value.error !== null || response?.status_code !== 200;
    return { id: value.custom_id, failed };
  }
  if (typeof value.id === "string") return { id: value.id, failed: value.status === "failed" };
  return undefined;
}

export class ResultsFile {
  readonly path: string;
  /** Ids with a line in the file, and whether that line is a failure. */
  private readonly done = new Map<string, boolean>();

  private constructor(path: string) {
    this.path = path;
  }

  /** Opens (or creates) the file; `dropFailed` removes failed lines so those tasks run again. */
  static open(path: string, options: { dropFailed?: boolean } = {}): ResultsFile {
    const file = new ResultsFile(path);
    if (!existsSync(path)) {
      try {
        closeSync(openSync(path, "a"));
      } catch (error) {
        throw new RlmError(
          "input-unreadable",
          `The results file ${path} cannot be written (${(error as Error).message}).`,
          {
            hint: "Give --out a path in a folder you can write.",
          },
        );
      }
      return file;
    }
    const text = readFileSync(path, "utf8");
    // A crash mid-write leaves a last line without its newline: that task simply runs again.
    const whole = text.endsWith("\n") || text === "" ? text : text.slice(0, text.lastIndexOf("\n") + 1);
    const kept: string[] = [];
    for (const line of whole.split("\n")) {
      if (line.trim() === "") continue;
      const read = readResultLine(line);
      if (read === undefined) {
        throw new RlmError(
          "input-unreadable",
          `${path} has a line that is not a result line: ${line.slice(0, 120)}`,
          {
            hint: "Give --out a results file this command wrote, or a new path.",
          },
        );
      }
      if (options.dropFailed && read.failed) continue;
      file.done.set(read.id, read.failed);
      kept.push(line);
    }
    const rewritten = kept.map((line) => `${line}\n`).join("");
    if (rewritten !== text) {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, rewritten);
      renameSync(temporary, path);
    }
    return file;
  }

  has(id: string): boolean {
    return this.done.has(id);
  }

  get size(): number {
    return this.done.size;
  }

  /** Failed lines in the file (those `--retry-failed` would run again). */
  get failedCount(): number {
    return [...this.done.values()].filter(Boolean).length;
  }

  /** Appends one task's line; an id already in the file is not written twice (returns false). */
  append(id: string, line: object, failed: boolean): boolean {
    if (this.done.has(id)) return false;
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    this.done.set(id, failed);
    return true;
  }
}
