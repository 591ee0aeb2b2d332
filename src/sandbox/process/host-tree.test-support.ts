/**
 * Host-side evidence for the sandbox's limit tests: what the sandbox's processes really are and use,
 * read from the host's /proc, never from what Python says about itself. Counts descendants of this
 * test process (the sandbox children and everything they fork, bwrap's included) and their
 * proportional memory (PSS: forked processes share pages, which RSS would count once per process).
 */

import { readdirSync, readFileSync } from "node:fs";

/** Every live descendant of `root`, by the parent links in /proc/<pid>/stat. */
export function descendants(root: number = process.pid): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(entry));
    children.set(parent, siblings);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Sum of the proportional set size of the processes, in bytes (gone processes count 0). */
export function proportionalBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      total += match === null ? 0 : Number(match[1]) * 1024;
    } catch {
      // ended between the listing and the read
    }
  }
  return total;
}

/** The host's shared memory in bytes (tmpfs pages are counted here), from /proc/meminfo. */
export function hostShmemBytes(): number {
  const match = /^Shmem:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return match === null ? 0 : Number(match[1]) * 1024;
}

export interface TreePeak {
  processes: number;
  bytes: number;
}

/**
 * Samples the descendants every `everyMs` until stopped; returns the largest count and, when asked
 * (reading every process's smaps is slower), the largest memory seen.
 */
export function sampleTree(options: { everyMs?: number; memory?: boolean } = {}): { stop: () => TreePeak } {
  const peak: TreePeak = { processes: 0, bytes: 0 };
  const sample = () => {
    const pids = descendants();
    peak.processes = Math.max(peak.processes, pids.length);
    if (options.memory === true) peak.bytes = Math.max(peak.bytes, proportionalBytes(pids));
  };
  sample();
  const timer = setInterval(sample, options.everyMs ?? 25);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: the fields after the last ")" are safe.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}
