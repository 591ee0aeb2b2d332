/**
 * Runs the BUILT `rlm` binary as a subprocess, the way users run it. `ensureBuilt` rebuilds `dist`
 * with tsc when any source file is newer than the binary.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
export const BINARY = join(ROOT, "dist", "src", "cli", "main.js");

async function newestSource(directory: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(BINARY).mtimeMs;
  } catch {
    return 0;
  }
}

const LOCK = join(ROOT, "dist", ".build-lock");

/**
 * Rebuilds `dist` when a source is newer than the binary. Test files run in parallel workers: a
 * lock directory (mkdir is atomic) keeps two of them from compiling over each other.
 */
export async function ensureBuilt(): Promise<void> {
  for (;;) {
    if (builtAt() > (await newestSource(join(ROOT, "src")))) return;
    await mkdir(join(ROOT, "dist"), { recursive: true });
    try {
      await mkdir(LOCK);
    } catch {
      const age = Date.now() - (await stat(LOCK).then((stats) => stats.mtimeMs, () => Date.now()));
      // A lock left by a killed run is stale after ten minutes.
      if (age > 600_000) await rm(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      // tsc writes the output even when another module in progress has type errors: only the binary matters here.
      await promisify(execFile)("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT }).catch(() => undefined);
    } finally {
      await rm(LOCK, { recursive: true, force: true });
    }
    statSync(BINARY);
    return;
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no user config, no inherited model settings. */
export function cleanEnvironment(home: string, extra: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "LANG", "TMPDIR", "SYSTEMROOT"];
  const environment: Record<string, string> = { HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
  for (const name of keep) if (process.env[name]) environment[name] = process.env[name] as string;
  return { ...environment, ...extra };
}

export function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string | Buffer },
): Promise<CliResult> {
  return startCli(args, options).done;
}

/** `runCli`, with the process at hand (to kill it mid-run). */
export function startCli(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string | Buffer },
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BINARY, ...args], { cwd: options.cwd, env: options.env });
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  return { child, done };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** For `beforeAll` hooks that may rebuild `dist` (minutes on a busy two-core machine). */
export const BUILD_TIMEOUT_MS = 300_000;
