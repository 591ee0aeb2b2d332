/**
 * A launch command for the `process` runtime that runs Python under bubblewrap: as nobody with no
 * capabilities, in new user, network, PID, IPC and UTS namespaces (no network at all, not even
 * loopback to the host), a read-only view of /usr, the Python installation and the driver folder,
 * an empty environment, and death with the host. The only writable places are /tmp and /dev/shm,
 * each a tmpfs of a fixed size: tmpfs lives in host memory, and bwrap's own root and /dev tmpfs
 * (writable and unbounded by default) are remounted read-only, so a write loop ends in ENOSPC or
 * EROFS instead of filling the host's memory.
 */

import { execFileSync } from "node:child_process";
import { RlmError } from "../../errors/index.js";
import { bwrapConfinement, READ_ONLY_ROOT } from "../bwrap-confinement.js";
import { pythonDirectory } from "../python-files.js";
import { FIXED_ENVIRONMENT } from "./child-environment.js";

export interface BwrapOptions {
  /** The Python to run inside; default: the real executable behind `python3` on PATH (pyenv shims resolved). */
  python?: string;
  /** Extra host paths to make visible read-only (e.g. a virtualenv). */
  readOnlyPaths?: string[];
  /** Size of the writable /tmp, in MB (default 256); /dev/shm gets a quarter of it (at least 1 MB). */
  tmpMb?: number;
}

/** Default size of /tmp: well inside the default memory cap, since tmpfs pages are host memory. */
export const BWRAP_TMP_MB = 256;

interface PythonLocation {
  executable: string;
  prefixes: string[];
}

/** `["bwrap", ...flags, python]`: pass as `SandboxOptions.command`; the driver path is appended. */
export function bwrapCommand(options: BwrapOptions = {}): string[] {
  const python = locatePython(options.python ?? "python3");
  const readOnly = new Set(["/usr", ...python.prefixes, pythonDirectory(), ...(options.readOnlyPaths ?? [])]);
  const binds = [...readOnly].filter((path) => path !== "/usr").flatMap((path) => ["--ro-bind", path, path]);
  const tmpBytes = Math.floor((options.tmpMb ?? BWRAP_TMP_MB) * 1024 * 1024);
  const shmBytes = Math.max(1024 * 1024, Math.floor(tmpBytes / 4));
  return [
    ...bwrapConfinement(),
    // The empty /tmp comes before the binds: mounted after, it would hide a driver or Python that
    // lives under /tmp (a checkout in /tmp, as CI clones make).
    ...sizedTmpfs(tmpBytes, "/tmp"),
    ...binds,
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    // multiprocessing's semaphores live in /dev/shm: writable, but sized like /tmp.
    ...sizedTmpfs(shmBytes, "/dev/shm"),
    ...READ_ONLY_ROOT,
    "--chdir",
    "/tmp",
    // Nothing from the launcher's environment: only what Python needs (see child-environment.ts).
    "--clearenv",
    ...setenv("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ...Object.entries(FIXED_ENVIRONMENT).flatMap(([name, value]) => setenv(name, value)),
    ...setenv("HOME", "/tmp"),
    ...setenv("PYTHONDONTWRITEBYTECODE", "1"),
    python.executable,
  ];
}

function setenv(name: string, value: string): string[] {
  return ["--setenv", name, value];
}

/** `--size` came with bubblewrap 0.8; an older one gets an unsized tmpfs (half the host's memory). */
function sizedTmpfs(bytes: number, path: string): string[] {
  return bwrapSupportsSize() ? ["--size", String(bytes), "--tmpfs", path] : ["--tmpfs", path];
}

let sizeSupported: boolean | undefined;

function bwrapSupportsSize(): boolean {
  if (sizeSupported === undefined) {
    try {
      sizeSupported = execFileSync("bwrap", ["--help"], { encoding: "utf8", timeout: 10_000 }).includes(
        "--size",
      );
    } catch {
      sizeSupported = false;
    }
  }
  return sizeSupported;
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
