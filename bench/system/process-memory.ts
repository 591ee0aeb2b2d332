/**
 * Peak resident memory of a process and all its descendants (a sandbox may run in a child
 * process), sampled from /proc on Linux. Elsewhere only the child's own figure is known.
 */

import { readdirSync, readFileSync } from "node:fs";

function readStat(pid: string): { ppid: number; rssPages: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), rssPages: Number(fields[21]) };
  } catch {
    return undefined;
  }
}

/** `root` and every process below it, with each one's RSS in bytes, from /proc right now. */
export function processTree(root: number): { pid: number; rssBytes: number }[] {
  const byParent = new Map<number, number[]>();
  const rss = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const name of entries) {
    const stat = readStat(name);
    if (stat === undefined) continue;
    const pid = Number(name);
    rss.set(pid, stat.rssPages * 4096);
    byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), pid]);
  }
  const tree: { pid: number; rssBytes: number }[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    tree.push({ pid, rssBytes: rss.get(pid) ?? 0 });
    stack.push(...(byParent.get(pid) ?? []));
  }
  return tree;
}

/** RSS in bytes of `root` and its descendants right now. */
export function treeRss(root: number): number {
  return processTree(root).reduce((total, process) => total + process.rssBytes, 0);
}

/** Samples `treeRss(pid)` every `intervalMs` until stopped; returns the peak. */
export function watchPeak(pid: number, intervalMs = 25): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
