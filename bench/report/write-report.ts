/**
 * Writes the HTML report (`--report FILE`) from the run just made, or from saved results
 * (`--from a.json,b.json`: a task report `rlm-bench/1` and/or a system run `rlm-system-bench/1`,
 * told apart by their `format`), so a chart can be drawn again without running anything.
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { RlmError } from "../../src/errors/index.js";
import { BENCH_FORMAT, type BenchReport } from "../runner/types.js";
import { renderHtmlReport, type SystemReport } from "./html-report.js";

export function readSavedResults(paths: string[]): { tasks?: BenchReport; system?: SystemReport } {
  const found: { tasks?: BenchReport; system?: SystemReport } = {};
  for (const path of paths) {
    let saved: { format?: unknown };
    try {
      saved = JSON.parse(readFileSync(path, "utf8")) as { format?: unknown };
    } catch (error) {
      throw new RlmError("bench-bad-option", `cannot read results from ${path}`, {
        hint: "pass a JSON file saved by npm run bench (runs/bench-*.json or runs/system-*.json)",
        cause: error,
      });
    }
    if (saved.format === BENCH_FORMAT) found.tasks = saved as BenchReport;
    else if (saved.format === "rlm-system-bench/1") found.system = saved as SystemReport;
    else
      throw new RlmError(
        "bench-bad-option",
        `${path} is not a bench result (format ${String(saved.format)})`,
        {
          hint: `pass a file whose format is ${BENCH_FORMAT} or rlm-system-bench/1`,
        },
      );
  }
  return found;
}

export function writeHtmlReport(path: string, results: { tasks?: BenchReport; system?: SystemReport }): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtmlReport(results));
}
