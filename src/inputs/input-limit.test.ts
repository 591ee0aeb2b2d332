import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rlmFailure } from "../../test/failures.js";
import { readStreamBounded } from "./bounded-read.js";
import { formatBytes } from "./input-limit.js";
import { readInputs } from "./read-inputs.js";

/**
 * The input limit holds before memory does: regular files over it are refused from their size
 * (sparse files, so a 1.5 GB file costs no disk), and streams (`/dev/zero`, a FIFO whose writer
 * never stops, stdin) are cut at the limit. Directory walks and globs never open a FIFO.
 */

const MB = 1024 * 1024;
let root: string;
const writers: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rlm-input-limit-"));
});
afterEach(() => {
  for (const writer of writers.splice(0)) writer.kill("SIGKILL");
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A file of `bytes` bytes that is text at the start and a hole after: no disk, no reading. */
async function sparseText(path: string, bytes: number): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, "a line of text\n".repeat(5000));
  await truncate(path, bytes);
}

function fifo(path: string): string {
  execFileSync("mkfifo", [path]);
  return path;
}

/** A writer that never stops: `yes` into the FIFO until the reader goes away (then SIGPIPE). */
function endlessWriter(path: string): void {
  writers.push(spawn("sh", ["-c", `exec yes "endless line of text" > '${path}'`], { stdio: "ignore" }));
}

/** How much more memory the process holds in buffers than at `before` (what a read would grow). */
function bufferGrowth(before: number): number {
  return process.memoryUsage().arrayBuffers - before;
}

describe("input limit", () => {
  it("refuses a regular file over the limit from its size, before reading a byte", async () => {
    await sparseText(join(root, "big.txt"), 1500 * MB);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const failure = await rlmFailure(readInputs(["big.txt"], { cwd: root, lazy: false }));
    expect(failure).toBe(
      "input-too-large: Input too large: big.txt is 1.5 GB, over the 1 GB input limit; nothing was read.",
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(bufferGrowth(before)).toBeLessThan(64 * MB);
  });

  it("counts the files read before: the next one must fit in what is left", async () => {
    await writeFile(join(root, "first.txt"), "x".repeat(3 * MB));
    await writeFile(join(root, "second.txt"), "y".repeat(2 * MB));
    const failure = await rlmFailure(
      readInputs(["first.txt", "second.txt"], { cwd: root, maxTotalBytes: 4 * MB }),
    );
    expect(failure).toBe(
      "input-too-large: Input too large: second.txt is 2 MB, over the 1 MB left of the 4 MB input limit (the inputs before it took 3 MB); nothing was read.",
    );
  });

  it("inside a directory: a large text file fails the run, a large binary is skipped unread", async () => {
    await sparseText(join(root, "tree", "huge.log"), 1500 * MB);
    await mkdir(join(root, "assets"), { recursive: true });
    await writeFile(join(root, "assets", "notes.md"), "# Notes\n");
    await writeFile(join(root, "assets", "disk.img"), "");
    await truncate(join(root, "assets", "disk.img"), 1500 * MB);
    expect(await rlmFailure(readInputs(["tree"], { cwd: root, lazy: false }))).toMatch(
      /^input-too-large: Input too large: tree\/huge\.log is 1\.5 GB, over the 1 GB input limit/,
    );
    const result = await readInputs(["assets"], { cwd: root, lazy: false });
    expect(result.context).toEqual({ "assets/notes.md": "# Notes\n" });
    expect(result.skipped).toEqual([{ name: "assets/disk.img", reason: "binary" }]);
  });

  it("reads /dev/zero named as a path only up to the limit", async () => {
    const started = performance.now();
    const failure = await rlmFailure(readInputs(["/dev/zero"], { cwd: root, maxTotalBytes: 4 * MB }));
    expect(failure).toMatch(
      /^input-too-large: Input too large: \/dev\/zero gave more than 4 MB, over the 4 MB input limit; reading stopped there\.$/,
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("reads a FIFO whose writer never stops only up to the limit", async () => {
    const path = fifo(join(root, "endless.fifo"));
    endlessWriter(path);
    const failure = await rlmFailure(readInputs(["endless.fifo"], { cwd: root, maxTotalBytes: 2 * MB }));
    expect(failure).toMatch(/^input-too-large: Input too large: endless\.fifo gave more than 2 MB/);
  });

  it("reads a FIFO that ends like a file", async () => {
    const path = fifo(join(root, "finite.fifo"));
    writers.push(spawn("sh", ["-c", `printf 'the code is 31\\n' > '${path}'`], { stdio: "ignore" }));
    expect((await readInputs(["finite.fifo"], { cwd: root })).context).toBe("the code is 31\n");
  });

  it("cuts stdin that never ends (a stream of /dev/zero) at what is left of the limit", async () => {
    await writeFile(join(root, "small.txt"), "z".repeat(MB));
    const readStdin = (limitBytes: number) => readStreamBounded(createReadStream("/dev/zero"), limitBytes);
    const failure = await rlmFailure(
      readInputs(["small.txt", "-"], { cwd: root, readStdin, maxTotalBytes: 3 * MB }),
    );
    expect(failure).toBe(
      "input-too-large: Input too large: stdin gave more than 2 MB, over the 2 MB left of the 3 MB input limit (the inputs before it took 1 MB); reading stopped there.",
    );
  });

  it("never opens a FIFO, a socket or a FIFO .gitignore found by a walk or a glob", async () => {
    const directory = join(root, "special");
    await mkdir(join(directory, "sub"), { recursive: true });
    await writeFile(join(directory, "readme.md"), "# Special\n");
    await writeFile(join(directory, "sub", "code.py"), "x = 1\n");
    // No writer: opening either FIFO for reading would block forever.
    fifo(join(directory, "pipe.md"));
    fifo(join(directory, "sub", ".gitignore"));
    const socketServer: Server = createServer();
    await new Promise<void>((resolve) => socketServer.listen(join(directory, "socket.md"), resolve));
    try {
      const walked = await readInputs(["special"], { cwd: root });
      expect(walked.context).toEqual({
        "special/readme.md": "# Special\n",
        "special/sub/code.py": "x = 1\n",
      });
      const globbed = await readInputs(["special/**/*.md"], { cwd: root });
      expect(globbed.context).toEqual({ "special/readme.md": "# Special\n" });
    } finally {
      await new Promise((resolve) => socketServer.close(resolve));
    }
  });

  it("refuses a text file with more characters than one string holds (no 'unexpected error')", async () => {
    // 600 MB is under the 1 GB limit but over V8's ~512 M characters per string.
    await sparseText(join(root, "long.txt"), 600 * MB);
    expect(await rlmFailure(readInputs(["long.txt"], { cwd: root, lazy: false }))).toMatch(
      /^input-too-large: Input too large: long\.txt has more than 536,870,888 characters/,
    );
  });

  it("formats sizes for people", () => {
    expect([
      formatBytes(12),
      formatBytes(640 * 1024),
      formatBytes(1500 * MB),
      formatBytes(1024 * MB),
    ]).toEqual(["12 bytes", "640 KB", "1.5 GB", "1 GB"]);
  });
});
