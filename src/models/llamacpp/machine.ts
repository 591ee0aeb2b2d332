import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * What the machine offers llama.cpp, read once: its physical cores. Generation is memory-bound, so
 * hyper-threads (two logical CPUs per core) slow it down, and node-llama-cpp's own default (every
 * logical CPU) is pathological on small shared machines: rlm sets the thread count itself.
 */

/** Distinct (physical id, core id) pairs in a Linux /proc/cpuinfo; 0 when it does not say. */
export function coresInCpuinfo(cpuinfo: string): number {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (core === undefined) continue;
    const socket = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? "0";
    cores.add(`${socket}:${core}`);
  }
  return cores.size;
}

let cached: number | undefined;

/**
 * The physical cores this process may use: on Linux the distinct core ids of /proc/cpuinfo (never
 * more than the CPUs available to the process), elsewhere half the logical CPUs; at least 1.
 */
export function physicalCores(): number {
  if (cached !== undefined) return cached;
  const logical = availableParallelism();
  let cores = 0;
  if (process.platform === "linux") {
    try {
      cores = coresInCpuinfo(readFileSync("/proc/cpuinfo", "utf8"));
    } catch {
      cores = 0;
    }
  }
  cached = Math.max(1, cores > 0 ? Math.min(cores, logical) : Math.floor(logical / 2));
  return cached;
}
