import { describe, expect, it } from "vitest";
import type { SandboxOptions } from "../types.js";
import { cgroupAvailable } from "./cgroup.js";
import { hostShmemBytes, sampleTree } from "./host-tree.test-support.js";
import { bwrapAvailable, bwrapCommand, createProcessSandbox, PROCESS_DEFAULTS } from "./index.js";
import { python3Available } from "./python-available.js";

const hasPython = python3Available();
const hasBwrap = hasPython && bwrapAvailable();
const hasCgroup = hasPython && cgroupAvailable();
const MB = 1024 * 1024;

/** Processes the test itself may have beside the sandbox's tasks (bwrap's two, the shell, stragglers). */
const SLACK_PROCESSES = 8;

/**
 * Each attack makes up to 1000 processes that sleep, so without a limit the host would really
 * see 1000 (bounded, unlike a true fork bomb, so that a failing test cannot take the machine down).
 * Python reports how many it made and the error that stopped it; the host counts for itself.
 */
const ATTACKS = {
  "os.fork": `
import os, time
made, error = [], None
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError as caught:
        error = type(caught).__name__; break
    if pid == 0:
        time.sleep(5); os._exit(0)
    made.append(pid)
`,
  "subprocess.Popen": `
import subprocess
made, error = [], None
for _ in range(1000):
    try:
        made.append(subprocess.Popen(["sleep", "5"]))
    except OSError as caught:
        error = type(caught).__name__; break
`,
  multiprocessing: `
import multiprocessing, time
made, error = [], None
for _ in range(1000):
    try:
        process = multiprocessing.Process(target=time.sleep, args=(5,)); process.start(); made.append(process)
    except OSError as caught:
        error = type(caught).__name__; break
`,
};

/** Ends the attack's processes so the next one starts clean (the limit itself is what is tested). */
const CLEAN_UP = `
import os, signal
for entry in made:
    pid = entry if isinstance(entry, int) else entry.pid
    try:
        os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
    except OSError:
        pass
print(len(made), error)
`;

const launchers: Array<[string, boolean, () => SandboxOptions]> = [
  ["python3", hasCgroup, () => ({})],
  ["bwrap", hasCgroup && hasBwrap, () => ({ command: bwrapCommand() })],
];

for (const [launcher, usable, options] of launchers) {
  describe.skipIf(!usable)(`process runtime (${launcher}): process count, held by a cgroup`, () => {
    for (const [attack, code] of Object.entries(ATTACKS)) {
      it(`stops a ${attack} loop at pids.max; the host's count stays bounded and the sandbox works on`, async () => {
        const sandbox = await createProcessSandbox({ ...options(), timeoutMs: 30_000 });
        try {
          const sampler = sampleTree();
          const result = await sandbox.exec(code + CLEAN_UP);
          const peak = sampler.stop();
          const [made, error] = result.stdout.trim().split(" ");
          expect(error, JSON.stringify(result)).toMatch(/Error$/);
          expect(Number(made)).toBeLessThan(PROCESS_DEFAULTS.maxTasks);
          expect(peak.processes).toBeLessThanOrEqual(PROCESS_DEFAULTS.maxTasks + SLACK_PROCESSES);
          expect((await sandbox.exec("print('still here')")).stdout).toBe("still here\n");
        } finally {
          await sandbox.close();
        }
      });
    }
  });

  describe.skipIf(!usable)(`process runtime (${launcher}): memory of all its processes together`, () => {
    it("keeps the tree's memory under the cap when forked children each allocate most of it", async () => {
      const memoryMb = 256;
      const sandbox = await createProcessSandbox({ ...options(), memoryMb, timeoutMs: 30_000 });
      try {
        // Each child fits RLIMIT_AS (per process) alone; five together are more than twice the cap.
        const code = `
import os, time
children = []
for _ in range(5):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(120 * 1024 * 1024)
            for index in range(0, len(block), 4096):
                block[index] = 1
            time.sleep(2)
        finally:
            os._exit(0)
    children.append(pid)
ended = [os.waitpid(pid, 0)[1] for pid in children]
print(sum(1 for status in ended if status != 0), "of 5 children were stopped")
`;
        const sampler = sampleTree({ everyMs: 50, memory: true });
        const result = await sandbox.exec(code);
        const peak = sampler.stop();
        expect(peak.bytes).toBeLessThan((memoryMb + 32) * MB);
        expect(result.restarted || /[1-5] of 5 children were stopped/.test(result.stdout)).toBe(true);
        expect((await sandbox.exec("print('still here')")).stdout).toBe("still here\n");
      } finally {
        await sandbox.close();
      }
    });
  });
}

describe.skipIf(!hasBwrap)("process runtime (bwrap): writable tmpfs sized, the rest read-only", () => {
  it("fills /tmp and /dev/shm to their sizes only (ENOSPC); / and /dev are read-only; host shmem stays bounded", async () => {
    const tmpMb = 64;
    const sandbox = await createProcessSandbox({ command: bwrapCommand({ tmpMb }), timeoutMs: 30_000 });
    try {
      const code = `
import errno
def fill(path, megabytes):
    written = 0
    try:
        with open(path, "wb") as file:
            for _ in range(megabytes):
                file.write(b"x" * (1024 * 1024)); file.flush(); written += 1
    except OSError as error:
        return written, errno.errorcode.get(error.errno)
    return written, None
for path in ["/tmp/fill", "/dev/shm/fill", "/fill", "/dev/fill"]:
    print(path, *fill(path, 300))
`;
      const before = hostShmemBytes();
      const result = await sandbox.exec(code);
      const grown = hostShmemBytes() - before;
      const lines = result.stdout.trim().split("\n");
      expect(lines[0]).toMatch(/^\/tmp\/fill (6[0-4]) ENOSPC$/);
      expect(lines[1]).toMatch(/^\/dev\/shm\/fill (1[0-6]) ENOSPC$/);
      expect(lines[2]).toBe("/fill 0 EROFS");
      expect(lines[3]).toBe("/dev/fill 0 EROFS");
      // The files are still there (the sandbox is open): what they hold is host memory.
      expect(grown).toBeLessThan((tmpMb + tmpMb / 4 + 16) * MB);
    } finally {
      await sandbox.close();
    }
  });
});
