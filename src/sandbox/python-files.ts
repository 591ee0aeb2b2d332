/**
 * Where the Python files of the sandbox live. They ship as source (`src/sandbox/python/`) next to
 * the compiled JavaScript, so this looks beside this module first and then in the package's `src/`.
 */

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of the folder holding `driver.py` and `process_main.py`. */
export function pythonDirectory(): string {
  const beside = fileURLToPath(new URL("./python/", import.meta.url));
  if (existsSync(`${beside}driver.py`)) return beside;
  // dist/src/sandbox/ -> src/sandbox/python/
  return fileURLToPath(new URL("../../../src/sandbox/python/", import.meta.url));
}

export function driverPath(): string {
  return `${pythonDirectory()}driver.py`;
}

export function processMainPath(): string {
  return `${pythonDirectory()}process_main.py`;
}

/**
 * The driver as every runtime runs it: `driver.py` then `lazy_context.py`, one source under one file
 * name (process_main.py joins the two files the same way).
 */
export function driverSource(): string {
  const directory = pythonDirectory();
  return `${readFileSync(`${directory}driver.py`, "utf8")}\n${readFileSync(`${directory}lazy_context.py`, "utf8")}`;
}
