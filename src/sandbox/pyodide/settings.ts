/**
 * Resolved settings of a Pyodide sandbox: defaults, the offline package location, the driver file
 * and the snapshot cache path. Nothing here touches the network.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { RlmError } from "../../errors/index.js";
import { DEFAULT_MAX_OUTPUT_CHARS } from "../core/transport.js";
import { driverSource as readDriverSource } from "../python-files.js";
import type { SandboxOptions } from "../types.js";
import type { SnapshotLocation } from "./snapshot-store.js";
import { SNAPSHOT_WARMUP } from "./worker-python.js";

export interface PyodideSettings {
  timeoutMs: number;
  memoryMb: number;
  maxOutputChars: number;
  indexURL: string;
  /** Absolute path of Pyodide's ESM entry (`pyodide.mjs`). */
  pyodideModule: string;
  /** Snapshot and bundled-worker cache. */
  cacheDirectory: string;
  driverSource: string;
  /** The memory snapshot cache; undefined: snapshots are off. */
  snapshot: SnapshotLocation | undefined;
  /** Keep one worker booted ahead of need (see spare-worker.ts). */
  spareWorker: boolean;
  /** Largest context (UTF-8 bytes) `load` accepts under this memory cap. */
  maxContextBytes: number;
}

/** Pyodide's heap is 32-bit: past ~4 GB there is nothing left to grow into. */
const MAX_MEMORY_MB = 4000;
/** What the interpreter, the driver and stdlib imports need before any context arrives. */
const BASELINE_MB = 96;

export function resolveSettings(options: SandboxOptions): PyodideSettings {
  const memoryMb = options.memoryMb ?? 1024;
  if (!Number.isFinite(memoryMb) || memoryMb < 256 || memoryMb > MAX_MEMORY_MB) {
    throw new RlmError(
      "sandbox-invalid-options",
      `memoryMb must be between 256 and ${MAX_MEMORY_MB}, got ${memoryMb}`,
      {
        hint: "Pass sandbox.memoryMb in MB, e.g. 1024.",
      },
    );
  }
  const pyodideDirectory = dirname(createRequire(import.meta.url).resolve("pyodide"));
  const version = JSON.parse(readFileSync(join(pyodideDirectory, "package.json"), "utf8")).version as string;
  const driverSource = readDriverSource();
  return {
    timeoutMs: options.timeoutMs ?? 60_000,
    memoryMb,
    maxOutputChars: options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
    indexURL: `${pyodideDirectory}/`,
    pyodideModule: join(pyodideDirectory, "pyodide.mjs"),
    cacheDirectory: cacheDirectory(),
    driverSource,
    snapshot: snapshotLocation(cacheDirectory(), version, driverSource),
    spareWorker: options.spareWorker ?? process.env.RLM_SPARE_WORKER !== "off",
    // The file's bytes and the decoded str live in the heap together while loading; past ~1 GiB the
    // 32-bit heap (~3.8 GiB usable, one object < 2 GiB) runs out whatever the cap.
    maxContextBytes: Math.min(Math.floor(((memoryMb - BASELINE_MB) / 2.2) * 1024 * 1024), 1024 ** 3),
  };
}

/**
 * Named by Pyodide version and the warm-up imports, bound (snapshot-store.ts) to those and the
 * driver; `RLM_SNAPSHOT=off` disables snapshots.
 */
function snapshotLocation(
  cacheRoot: string,
  version: string,
  driverSource: string,
): SnapshotLocation | undefined {
  if (process.env.RLM_SNAPSHOT === "off") return undefined;
  const key = createHash("sha256").update(SNAPSHOT_WARMUP).digest("hex").slice(0, 12);
  const binding = createHash("sha256")
    .update(`${version}\0${SNAPSHOT_WARMUP}\0${driverSource}`)
    .digest("hex");
  return { path: join(cacheRoot, `pyodide-${version}-${key}.snapshot`), binding };
}

/** `RLM_CACHE_DIR`, else `$XDG_CACHE_HOME/rlm`, else `~/.cache/rlm`. */
function cacheDirectory(): string {
  return process.env.RLM_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "rlm");
}
