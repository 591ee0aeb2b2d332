/**
 * A launch command for the `process` runtime that runs Python under bubblewrap: as nobody with no
 * capabilities, in new user, network, PID, IPC and UTS namespaces (no network at all, not even loopback to the host), a read-only view
 * of /usr, the Python installation and the driver folder, an empty /tmp, and death with the host.
 */

import { execFileSync } from "node:child_process";
import { RlmError } from "../../errors/index.js";
import { pythonDirectory } from "../python-files.js";

export interface BwrapOptions {
  /** The Python to run inside; default: the real executable behind `python3` on PATH (pyenv shims resolved). */
  python?: string;
  /** Extra host paths to make visible read-only (e.g. a virtualenv). */
  readOnlyPaths?: string[];
}

interface PythonLocation {
  executable: string;
  prefixes: string[];
}

/** `["bwrap", ...flags, python]`: pass as `SandboxOptions.command`; the driver path is appended. */
export function bwrapCommand(options: BwrapOptions = {}): string[] {
  const python = locatePython(options.python ?? "python3");
  const readOnly = new Set(["/usr", ...python.prefixes, pythonDirectory(), ...(options.readOnlyPaths ?? [])]);
  const binds = [...readOnly].filter((path) => path !== "/usr").flatMap((path) => ["--ro-bind", path, path]);
  return [
    "bwrap",
    "--unshare-all",
    // As root, bwrap would keep every capability inside: enough to remount /usr writable. Run as
    // nobody in a user namespace with no capabilities instead.
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--new-session",
    "--ro-bind",
    "/usr",
    "/usr",
    // Debian's merged /usr: the loader and libraries are reached through these links.
    "--symlink",
    "usr/lib",
    "/lib",
    "--symlink",
    "usr/lib64",
    "/lib64",
    "--symlink",
    "usr/bin",
    "/bin",
    // The empty /tmp comes before the binds: mounted after, it would hide a driver or Python that
    // lives under /tmp (a checkout in /tmp, as CI clones make).
    "--tmpfs",
    "/tmp",
    ...binds,
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--chdir",
    "/tmp",
    "--setenv",
    "PYTHONDONTWRITEBYTECODE",
    "1",
    python.executable,
  ];
}

const located = new Map<string, PythonLocation>();

/** Asks the Python itself where it lives (once per name): a pyenv shim is a script that cannot run inside. */
function locatePython(python: string): PythonLocation {
  const known = located.get(python);
  if (known !== undefined) return known;
  try {
    const script = "import sys, json; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))";
    const output = execFileSync(python, ["-c", script], { encoding: "utf8", timeout: 10_000 });
    const [executable, prefix, basePrefix] = JSON.parse(output) as [string, string, string];
    const prefixes = [...new Set([prefix, basePrefix])].filter((path) => !path.startsWith("/usr"));
    const location = { executable, prefixes };
    located.set(python, location);
    return location;
  } catch (error) {
    throw new RlmError("sandbox-start-failed", `could not run ${python} to find its installation`, {
      hint: "Install python3, or pass bwrapCommand({ python: '/path/to/python3' }).",
      cause: error,
    });
  }
}

/** True when `bwrap` can start a namespace here (it may be installed but not permitted). */
export function bwrapAvailable(): boolean {
  try {
    const flags = ["--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib"];
    execFileSync("bwrap", [...flags, "--symlink", "usr/lib64", "/lib64", "/usr/bin/true"], {
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}
