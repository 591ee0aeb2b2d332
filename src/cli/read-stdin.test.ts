import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BINARY,
  BUILD_TIMEOUT_MS,
  type CliResult,
  cleanEnvironment,
  ensureBuilt,
} from "./__fixtures__/run-cli.js";

/**
 * The built `rlm ask` against inputs that would fill memory: an endless stdin (`/dev/zero`, a pipe
 * from `yes`), `/dev/zero` and a FIFO with an endless writer named as paths, and a 1.5 GB sparse
 * file named or redirected in. Each ends with exit 3 and "Input too large", quickly, before any
 * backend is asked (none runs here). `RLM_MAX_INPUT_BYTES` lowers the limit so streams end fast.
 */

const MB = 1024 * 1024;
let directory: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await ensureBuilt();
  directory = await mkdtemp(join(tmpdir(), "rlm-cli-input-"));
  await writeFile(join(directory, "big.txt"), "a line of text\n".repeat(5000));
  await truncate(join(directory, "big.txt"), 1500 * MB);
}, BUILD_TIMEOUT_MS);
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
afterAll(() => rm(directory, { recursive: true, force: true }));

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnvironment(directory, { RLM_MODEL: "openai-compatible:http://127.0.0.1:9/v1#root", ...extra });
}

/** Runs the CLI with `stdin` as its standard input (a file descriptor or another process's output). */
function runWithStdin(
  args: string[],
  stdin: number | Readable,
  env: Record<string, string>,
): Promise<CliResult & { elapsedMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BINARY, ...args], {
      cwd: directory,
      env,
      stdio: [stdin, "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, elapsedMs: performance.now() - started }));
  });
}

async function withFile<T>(path: string, run: (descriptor: number) => Promise<T>): Promise<T> {
  const descriptor = openSync(path, "r");
  try {
    return await run(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

describe("rlm ask: inputs over the limit (built binary)", () => {
  it("stdin from /dev/zero, as `-` and as piped stdin with no paths: cut at the limit, exit 3", async () => {
    for (const args of [
      ["ask", "What is this?", "-"],
      ["ask", "What is this?"],
    ]) {
      const result = await withFile("/dev/zero", (zero) =>
        runWithStdin(args, zero, environment({ RLM_MAX_INPUT_BYTES: "8M" })),
      );
      expect(result.stderr).toContain(
        "rlm: Input too large: stdin gave more than 8 MB, over the 8 MB input limit",
      );
      expect(result.stderr).toContain("RLM_MAX_INPUT_BYTES sets the limit");
      expect(result.code).toBe(3);
      expect(result.elapsedMs).toBeLessThan(15_000);
    }
  });

  it("stdin from /dev/zero at the default 1 GB limit: stops there, exit 3", async () => {
    const result = await withFile("/dev/zero", (zero) =>
      runWithStdin(["ask", "What is this?", "-"], zero, environment()),
    );
    expect(result.stderr).toContain(
      "rlm: Input too large: stdin gave more than 1 GB, over the 1 GB input limit",
    );
    expect(result.code).toBe(3);
    expect(result.elapsedMs).toBeLessThan(60_000);
  });

  it("stdin from a pipe whose writer never stops (yes): cut at the limit, exit 3", async () => {
    const writer = spawn("yes", ["endless line"], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(writer);
    const result = await runWithStdin(
      ["ask", "What is this?", "-"],
      writer.stdout,
      environment({ RLM_MAX_INPUT_BYTES: "4M" }),
    );
    expect(result.stderr).toContain("rlm: Input too large: stdin gave more than 4 MB");
    expect(result.code).toBe(3);
  });

  it("a 1.5 GB file redirected to stdin is refused from its size with exit 3; named, it is read lazily", async () => {
    const named = await withFile("/dev/null", (empty) =>
      runWithStdin(["ask", "What is this?", "big.txt"], empty, environment()),
    );
    expect(named.stderr).not.toContain("Input too large");
    const redirected = await withFile(join(directory, "big.txt"), (file) =>
      runWithStdin(["ask", "What is this?", "-"], file, environment()),
    );
    expect(redirected.stderr).toContain(
      "rlm: Input too large: stdin is 1.5 GB, over the 1 GB input limit; nothing was read.",
    );
    expect(redirected.code).toBe(3);
    expect(redirected.elapsedMs).toBeLessThan(15_000);
  });

  it("/dev/zero and an endless FIFO named as paths: cut at the limit, exit 3", async () => {
    const zero = await withFile("/dev/null", (empty) =>
      runWithStdin(["ask", "What is this?", "/dev/zero"], empty, environment({ RLM_MAX_INPUT_BYTES: "8M" })),
    );
    expect(zero.stderr).toContain("rlm: Input too large: /dev/zero gave more than 8 MB");
    expect(zero.code).toBe(3);
    const fifo = join(directory, "endless.fifo");
    execFileSync("mkfifo", [fifo]);
    children.push(spawn("sh", ["-c", `exec yes "endless" > '${fifo}'`], { stdio: "ignore" }));
    const piped = await withFile("/dev/null", (empty) =>
      runWithStdin(
        ["ask", "What is this?", "endless.fifo"],
        empty,
        environment({ RLM_MAX_INPUT_BYTES: "8M" }),
      ),
    );
    expect(piped.stderr).toContain("rlm: Input too large: endless.fifo gave more than 8 MB");
    expect(piped.code).toBe(3);
    expect(piped.elapsedMs).toBeLessThan(15_000);
  });

  it("a malformed RLM_MAX_INPUT_BYTES is a configuration error (exit 2)", async () => {
    const result = await withFile("/dev/null", (empty) =>
      runWithStdin(["ask", "What is this?", "big.txt"], empty, environment({ RLM_MAX_INPUT_BYTES: "lots" })),
    );
    expect(result.stderr).toContain('RLM_MAX_INPUT_BYTES must be a size in bytes, got "lots".');
    expect(result.code).toBe(2);
  });
});
