/**
 * Layer 2 of the pyodide sandbox: the process around it. Every Pyodide worker of this host runs in
 * one child process (host-process-main.ts), started lazily and shared (so Pyodide's WebAssembly is
 * compiled once, as before), under:
 *
 * - Node's permission model: file reads only in the Pyodide package, the cache directory and the
 *   sandbox's own code; no file writes, no child processes, no native addons, no `process.binding`;
 *   worker threads allowed (the Pyodide workers themselves), and bound by the same rules.
 * - bubblewrap, where it is installed and works: new user, network, PID, IPC and UTS namespaces (no
 *   network at all, loopback included), nobody with no capabilities, and a filesystem of only /usr
 *   and the directories above, read-only. Node 20's permission model does not cover the network;
 *   this does. Without bubblewrap the worker's own lockdown refuses sockets (worker-lockdown.ts).
 * - An empty environment: no API key the host holds reaches the process.
 *
 * If layer 1 (host-imports.ts, sealed-require.ts) missed a route, code that reaches Node's APIs in
 * the worker still cannot read a host file, write one, start a process or, with bubblewrap, connect.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bwrapConfinement, READ_ONLY_ROOT } from "../bwrap-confinement.js";
import type { FromHostProcess, ToHostProcess } from "./host-process-messages.js";
import { programPath } from "./worker-entry.js";

export interface HostProcessLocation {
  /** The Pyodide package directory, with a trailing slash. */
  indexURL: string;
  pyodideModule: string;
  cacheDirectory: string;
}

/** One worker's end of the channel. */
export interface HostedWorker {
  receive(message: FromHostProcess): void;
  /** The process ended: every pending call fails with `reason`. */
  lost(reason: string): void;
}

const STDERR_KEPT = 4_000;

export class HostProcess {
  private readonly workers = new Map<number, HostedWorker>();
  private readonly referenced = new Set<number>();
  private nextWorker = 1;
  private stderr = "";
  private ended: string | undefined;
  private codeSent = false;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: FromHostProcess) => this.workers.get(message.worker)?.receive(message));
    child.stderr?.setEncoding("utf8");
    // Read while the host runs for other reasons; never the reason it keeps running.
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.stderr?.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
    });
    child.on("exit", (code, signal) => {
      const detail = this.stderr.trim().split("\n").slice(-3).join(" | ");
      this.ended = `the sandbox host process exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ""}`;
      for (const worker of this.workers.values()) worker.lost(this.ended);
      this.workers.clear();
    });
    child.on("error", () => undefined);
    this.updateReference();
  }

  static async start(location: HostProcessLocation): Promise<HostProcess> {
    try {
      mkdirSync(location.cacheDirectory, { recursive: true, mode: 0o700 });
    } catch {
      // A cache that cannot be made (a read-only home) costs the snapshot, not the sandbox.
    }
    const entry = await programPath("host-process-main", location.cacheDirectory, location.pyodideModule);
    const command = hostProcessCommand(location, entry);
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      // Nothing of the host's environment (API keys above all) crosses.
      env: {},
    });
    return new HostProcess(child);
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Registers a worker; returns its number (to put in messages). */
  add(worker: HostedWorker, referenced: boolean): number {
    const id = this.nextWorker++;
    this.workers.set(id, worker);
    this.setReferenced(id, referenced);
    return id;
  }

  remove(id: number): void {
    this.workers.delete(id);
    this.setReferenced(id, false);
  }

  /** The process keeps the host alive only while a referenced (non-spare) worker lives in it. */
  setReferenced(id: number, referenced: boolean): void {
    if (referenced) this.referenced.add(id);
    else this.referenced.delete(id);
    this.updateReference();
  }

  /**
   * Whether any model code (or a context) has reached this process. Once it has, the process is
   * not trusted to hand over a start-up snapshot: one taken over by that code could plant a
   * snapshot every later run would boot from.
   */
  get ranCode(): boolean {
    return this.codeSent;
  }

  send(message: ToHostProcess): void {
    if (this.ended !== undefined || !this.child.connected) return;
    if (message.op === "call" || message.op === "load") this.codeSent = true;
    this.child.send(message);
  }

  private updateReference(): void {
    const channel = this.child.channel as { ref(): void; unref(): void } | undefined;
    if (this.referenced.size > 0) {
      this.child.ref();
      channel?.ref();
    } else {
      this.child.unref();
      channel?.unref();
    }
  }
}

/** Node 20 has `--experimental-permission`; later lines call the stable model `--permission`. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has("--permission")
  ? "--permission"
  : "--experimental-permission";

/**
 * The command that runs `entry` (a Node program) with the sandbox host process's confinement:
 * exported so the tests can run a probe under exactly what the real process gets.
 */
export function hostProcessCommand(location: HostProcessLocation, entry: string): string[] {
  const readable = readableRoots(location, entry);
  const node = [
    process.execPath,
    PERMISSION_FLAG,
    "--allow-worker",
    ...readable.map((path) => `--allow-fs-read=${path}`),
    "--no-warnings",
    entry,
  ];
  return bwrapUsable() ? [...bwrapPrefix(readable), ...node] : node;
}

const running = new Map<string, Promise<HostProcess>>();

/** The host process for this Pyodide package and cache (started on first use, again if it died). */
export async function hostProcessFor(location: HostProcessLocation): Promise<HostProcess> {
  const key = `${location.indexURL}\n${location.cacheDirectory}`;
  const current = running.get(key);
  if (current !== undefined) {
    const host = await current.catch(() => undefined);
    if (host?.alive) return host;
  }
  const started = HostProcess.start(location);
  running.set(key, started);
  started.catch(() => running.delete(key));
  return started;
}

/**
 * What the process may read: Pyodide, the cache (snapshot, bundles) and the sandbox's code. Built
 * (`dist/`), that code imports the package's other modules, so its whole package directory.
 */
function readableRoots(location: HostProcessLocation, entry: string): string[] {
  const roots = [resolve(location.indexURL), resolve(location.cacheDirectory)];
  const here = fileURLToPath(new URL(".", import.meta.url));
  if (entry.startsWith(resolve(here))) roots.push(packageRoot(here));
  else roots.push(dirname(entry));
  return [...new Set(roots.map((path) => (existsSync(path) ? realpathSync(path) : path)))];
}

function packageRoot(from: string): string {
  for (let directory = from; directory !== dirname(directory); directory = dirname(directory)) {
    if (existsSync(join(directory, "package.json")) && existsSync(join(directory, "dist"))) return directory;
  }
  return from;
}

let bwrapChecked: boolean | undefined;

/** bubblewrap is installed and can make the namespaces (some containers forbid them). */
export function bwrapUsable(): boolean {
  if (process.env.RLM_PYODIDE_BWRAP === "off") return false;
  if (bwrapChecked === undefined) {
    try {
      const [bwrap, ...flags] = bwrapPrefix([]);
      execFileSync(bwrap!, [...flags, "true"], { stdio: "ignore", timeout: 5_000 });
      bwrapChecked = true;
    } catch {
      bwrapChecked = false;
    }
  }
  return bwrapChecked;
}

function bwrapPrefix(readable: string[]): string[] {
  const node = dirname(realpathSync(process.execPath));
  const binds = [...new Set([node, ...readable])]
    .filter((path) => !path.startsWith("/usr/") && existsSync(path))
    .flatMap((path) => ["--ro-bind", path, path]);
  return [...bwrapConfinement(), ...binds, "--proc", "/proc", "--dev", "/dev", ...READ_ONLY_ROOT, "--"];
}
