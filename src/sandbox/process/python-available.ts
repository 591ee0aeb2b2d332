/**
 * Whether a `python3` runs on this machine: the process runtime needs one (the pyodide runtime does
 * not). Tests use it to skip with a clear message instead of failing on a machine without Python.
 */

import { execFileSync } from "node:child_process";

export function python3Available(): boolean {
  try {
    execFileSync("python3", ["-c", "import sys; assert sys.version_info >= (3, 8)"], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
