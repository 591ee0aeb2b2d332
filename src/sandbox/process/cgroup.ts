/**
 * A control group per sandbox child, when this host lets us make one (root, or a delegated cgroup
 * v2 subtree): the only limits the kernel enforces on a group of processes together. `pids.max`
 * bounds processes and threads (a fork bomb fails with EAGAIN; RLIMIT_NPROC cannot: it counts per
 * user and is ignored for root), and the memory limit bounds the sum of every process's memory and
 * the tmpfs pages they write (RLIMIT_AS is per process: N forks may use N times it). The group is
 * made under our own cgroup, so it stays inside whatever limits the host already has on us. The
 * launch command is wrapped so the launcher joins the group before it starts anything: no process
 * of the sandbox ever runs outside it. Without a writable cgroup, `create` returns undefined and the
 * caller falls back on the per-process limits (see README, "The sandbox").
 */

import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface GroupLimits {
  /** Undefined: no memory limit of the group's own (the host's limits on us still apply). */
  memoryBytes: number | undefined;
  /** Processes and threads together: the kernel's pids controller counts tasks. */
  maxTasks: number;
}

/** One directory per hierarchy: v2 has one for both controllers, v1 one for pids and one for memory. */
interface Hierarchy {
  directory: string;
  limits: Array<[file: string, value: string, required: boolean]>;
}

const ROOT = "/sys/fs/cgroup";
let counter = 0;

export class SandboxCgroup {
  private constructor(
    private readonly directories: string[],
    readonly version: 1 | 2,
  ) {}

  /** A new group with the limits set, or undefined when this host does not let us make one. */
  static create(limits: GroupLimits): SandboxCgroup | undefined {
    if (process.platform !== "linux") return undefined;
    const name = `rlm-sandbox-${process.pid}-${++counter}`;
    for (const [version, hierarchies] of [
      [2, unifiedHierarchy(limits)],
      [1, legacyHierarchies(limits)],
    ] as const) {
      if (hierarchies === undefined) continue;
      const made: string[] = [];
      try {
        for (const hierarchy of hierarchies) {
          removeAbandoned(hierarchy.directory);
          const directory = `${hierarchy.directory}/${name}`;
          mkdirSync(directory);
          made.push(directory);
          for (const [file, value, required] of hierarchy.limits)
            writeLimit(directory, file, value, required);
        }
        return new SandboxCgroup(made, version);
      } catch {
        for (const directory of made) removeQuietly(directory);
      }
    }
    return undefined;
  }

  /** `command` run by a shell that first moves itself into the group, then execs the command. */
  wrap(command: string[]): string[] {
    const join = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
    const files = this.directories.map((directory) => `${directory}/cgroup.procs`);
    return ["/bin/sh", "-c", join, "rlm-cgroup", ...files, "--", ...command];
  }

  /** SIGKILLs every process in the group, including any that left the launcher's process tree. */
  killAll(): void {
    const kill = this.directories.map((directory) => `${directory}/cgroup.kill`).find(existsSync);
    if (kill !== undefined && tryWrite(kill, "1")) return;
    // No cgroup.kill (v1, or kernels before 5.14): kill what is listed until nothing is; pids.max
    // bounds how many can appear meanwhile.
    for (let round = 0; round < 100; round++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  /** Kills what is left and removes the group (a group can only go once its processes are gone). */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      this.killAll();
      const left = this.directories.filter((directory) => !removeQuietly(directory));
      if (left.length === 0) return;
      this.directories.splice(0, this.directories.length, ...left);
      await sleep(20);
    }
  }

  private pids(): number[] {
    const pids = new Set<number>();
    for (const directory of this.directories) {
      try {
        for (const line of readFileSync(`${directory}/cgroup.procs`, "utf8").split("\n")) {
          if (line !== "") pids.add(Number(line));
        }
      } catch {
        // removed already
      }
    }
    return [...pids];
  }
}

/** Whether this host lets us make a sandbox cgroup (tests skip the cgroup limits when not). */
export function cgroupAvailable(): boolean {
  const probe = SandboxCgroup.create({ memoryBytes: undefined, maxTasks: 8 });
  if (probe === undefined) return false;
  void probe.remove();
  return true;
}

/** cgroup v2: our own group, if it is writable and the pids and memory controllers can be used below it. */
function unifiedHierarchy(limits: GroupLimits): Hierarchy[] | undefined {
  const mount = existsSync(`${ROOT}/cgroup.controllers`) ? ROOT : `${ROOT}/unified`;
  const own = ownPath("");
  if (own === undefined || !existsSync(`${mount}${own}/cgroup.controllers`)) return undefined;
  const directory = `${mount}${own}`.replace(/\/$/, "");
  const enabled = () => readFileSync(`${directory}/cgroup.subtree_control`, "utf8");
  try {
    if (!/\bpids\b/.test(enabled()) || !/\bmemory\b/.test(enabled())) {
      // Fails (EBUSY) in a non-root group that holds processes: v2 forbids controllers there.
      appendFileSync(`${directory}/cgroup.subtree_control`, "+pids +memory");
    }
    if (!/\bpids\b/.test(enabled()) || !/\bmemory\b/.test(enabled())) return undefined;
  } catch {
    return undefined;
  }
  return [
    {
      directory,
      limits: [
        ["pids.max", String(limits.maxTasks), true],
        ["memory.max", limits.memoryBytes === undefined ? "max" : String(limits.memoryBytes), true],
        // At the cap the kernel must reclaim or kill, not push the sandbox's memory out to swap.
        ["memory.swap.max", "0", false],
      ],
    },
  ];
}

/** cgroup v1: our own group in the pids and in the memory hierarchy. */
function legacyHierarchies(limits: GroupLimits): Hierarchy[] | undefined {
  const pids = ownPath("pids");
  const memory = ownPath("memory");
  if (pids === undefined || memory === undefined) return undefined;
  const pidsDirectory = `${ROOT}/pids${pids}`.replace(/\/$/, "");
  const memoryDirectory = `${ROOT}/memory${memory}`.replace(/\/$/, "");
  if (!existsSync(`${pidsDirectory}/cgroup.procs`) || !existsSync(`${memoryDirectory}/cgroup.procs`))
    return undefined;
  const bytes = limits.memoryBytes === undefined ? "-1" : String(limits.memoryBytes);
  return [
    { directory: pidsDirectory, limits: [["pids.max", String(limits.maxTasks), true]] },
    {
      directory: memoryDirectory,
      limits: [
        ["memory.limit_in_bytes", bytes, true],
        // Present only with swap accounting: memory plus swap, so swap is no way around the cap.
        ["memory.memsw.limit_in_bytes", bytes, false],
      ],
    },
  ];
}

/** Our cgroup's path in a hierarchy, from /proc/self/cgroup ("" names the v2 line "0::/path"). */
function ownPath(controller: string): string | undefined {
  let table: string;
  try {
    table = readFileSync("/proc/self/cgroup", "utf8");
  } catch {
    return undefined;
  }
  for (const line of table.split("\n")) {
    const [, controllers, path] = line.split(":", 3) as [string, string | undefined, string | undefined];
    if (controllers === undefined || path === undefined) continue;
    if (controller === "" ? line.startsWith("0::") : controllers.split(",").includes(controller)) return path;
  }
  return undefined;
}

/**
 * Groups left by a host process that ended without closing its sandboxes (killed, or exited early):
 * empty once their processes died with the host's pipes, and removed by the next sandbox made.
 */
function removeAbandoned(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = /^rlm-sandbox-(\d+)-\d+$/.exec(entry)?.[1];
    if (owner !== undefined && !alive(Number(owner))) removeQuietly(`${parent}/${entry}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function writeLimit(directory: string, file: string, value: string, required: boolean): void {
  if (!tryWrite(`${directory}/${file}`, value) && required) {
    throw new Error(`cannot set ${file} in ${directory}`);
  }
}

function tryWrite(path: string, value: string): boolean {
  try {
    writeFileSync(path, value);
    return true;
  } catch {
    return false;
  }
}

function removeQuietly(directory: string): boolean {
  try {
    rmdirSync(directory);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}
