/**
 * The JSONL trajectory writer: one JSON object per line, each written with a synchronous `write`
 * as soon as it exists. A synchronous write hands the bytes to the kernel before the next line of
 * the run happens, so a crash (or a killed process) leaves every line up to it on disk; no fsync,
 * because surviving a power cut is not worth its cost per iteration.
 */

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { RlmError } from "../errors/index.js";
import type { TrajectoryLine } from "./types.js";

export class JsonlTrajectoryWriter {
  readonly path: string;
  private descriptor: number | undefined;

  /** Opens (creating folders as needed) `path`; `append` keeps earlier lines (sessions). */
  constructor(path: string, options: { append?: boolean } = {}) {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.descriptor = openSync(path, options.append ? "a" : "w");
    } catch (error) {
      throw new RlmError("trace-open-failed", `Cannot write the trajectory file ${path}.`, {
        hint: "Point `trace` at a writable path, or leave it out.",
        cause: error,
      });
    }
  }

  write(line: TrajectoryLine): void {
    if (this.descriptor === undefined) return;
    writeSync(this.descriptor, `${JSON.stringify(line)}\n`);
  }

  close(): void {
    if (this.descriptor === undefined) return;
    closeSync(this.descriptor);
    this.descriptor = undefined;
  }
}
