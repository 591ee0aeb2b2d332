/**
 * The default launch command, `python3`, resolved once per host process to the real executable:
 * version managers (pyenv, asdf) put a shell-script shim first on PATH that costs up to seconds per
 * start on a busy machine, while the interpreter itself starts in tens of milliseconds.
 */

import { execFile } from "node:child_process";

let resolved: Promise<string[]> | undefined;

export function defaultPythonCommand(): Promise<string[]> {
  resolved ??= new Promise((resolve) => {
    const script = "import sys; print(sys.executable)";
    execFile("python3", ["-c", script], { timeout: 30_000 }, (error, stdout) => {
      const executable = stdout.trim();
      // On any doubt keep plain `python3`: starting it reports a real error if it is missing.
      resolve(error === null && executable !== "" ? [executable] : ["python3"]);
    });
  });
  return resolved;
}
