/**
 * The start-up snapshot cannot carry one run's compromise into the next: it is written by the host
 * only (the sandbox host process cannot write), atomically, readable and writable by the user
 * alone, and a worker boots from it only when its bytes hash to the digest recorded beside it under
 * the current binding (Pyodide version, warm-up, driver). A planted or damaged file is rebuilt.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPyodideSandbox } from "./index.js";
import { resolveSettings } from "./settings.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 100) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("the start-up snapshot", () => {
  const cache = mkdtempSync(join(tmpdir(), "rlm-snapshot-"));
  const previous = process.env.RLM_CACHE_DIR;
  process.env.RLM_CACHE_DIR = cache;
  const location = resolveSettings({}).snapshot!;
  const record = `${location.path}.json`;
  const readRecord = () => JSON.parse(readFileSync(record, "utf8")) as { sha256: string; binding: string };
  const recordMatches = () => {
    try {
      return readRecord().sha256 === sha256(readFileSync(location.path));
    } catch {
      return false;
    }
  };
  /** One sandbox in a process of its own, as a CLI run starts: its host process is fresh. */
  const boot = () => {
    const script = `import { createPyodideSandbox } from ${JSON.stringify(new URL("./index.ts", import.meta.url).href)};
const sandbox = await createPyodideSandbox({ timeoutMs: 20000, spareWorker: false });
process.stdout.write((await sandbox.exec("print(6 * 7)")).stdout);
await sandbox.close();`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, RLM_CACHE_DIR: cache },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stdout).toBe("42\n");
  };

  afterAll(() => {
    if (previous === undefined) delete process.env.RLM_CACHE_DIR;
    else process.env.RLM_CACHE_DIR = previous;
    rmSync(cache, { recursive: true, force: true });
  });

  it("is stored by the host with a record of its digest and binding, for the user alone", async () => {
    boot();
    await waitFor(recordMatches, "the snapshot and its record");
    expect(readRecord().binding).toBe(location.binding);
    expect(statSync(location.path).mode & 0o777).toBe(0o600);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expect(statSync(cache).mode & 0o077).toBe(0);
  });

  it("is rebuilt, not loaded, when its bytes do not match the record", async () => {
    const planted = Buffer.from("planted by a previous run");
    writeFileSync(location.path, planted);
    boot();
    await waitFor(recordMatches, "the rebuilt snapshot");
    expect(sha256(readFileSync(location.path))).not.toBe(sha256(planted));
  });

  it("is rebuilt when its record is bound to another Pyodide or driver", async () => {
    const before = readFileSync(location.path);
    writeFileSync(record, JSON.stringify({ ...readRecord(), binding: "another driver" }), { mode: 0o600 });
    boot();
    await waitFor(() => recordMatches() && readRecord().binding === location.binding, "the rebound record");
    expect(readFileSync(location.path).length).toBeGreaterThan(1_000_000);
    expect(before.length).toBeGreaterThan(1_000_000);
  });

  it("is not taken from a host process that model code has reached", async () => {
    const sandbox = await createPyodideSandbox({ timeoutMs: 20_000, spareWorker: false });
    try {
      expect((await sandbox.exec("print(6 * 7)")).stdout).toBe("42\n");
    } finally {
      await sandbox.close();
    }
    // Code ran in this process's host process: a snapshot it makes now is not stored.
    const planted = Buffer.from("planted after code ran");
    writeFileSync(location.path, planted);
    const later = await createPyodideSandbox({ timeoutMs: 20_000, spareWorker: false });
    try {
      expect((await later.exec("print(6 * 7)")).stdout).toBe("42\n");
    } finally {
      await later.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(readFileSync(location.path).equals(planted)).toBe(true);
    expect(recordMatches()).toBe(false);
  });

  it("is stored before a process that exits at once is gone, and a dead store's leftovers are removed", async () => {
    rmSync(location.path, { force: true });
    rmSync(record, { force: true });
    // A store cut short by a killed process: its pid is gone.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const leftover = `${location.path}.${dead}.1700000000000.tmp`;
    writeFileSync(leftover, "partial");
    const script = `import { createPyodideSandbox } from ${JSON.stringify(new URL("./index.ts", import.meta.url).href)};
import { snapshotWritesSettled } from ${JSON.stringify(new URL("./snapshot-store.ts", import.meta.url).href)};
const sandbox = await createPyodideSandbox({ timeoutMs: 20000, spareWorker: false });
process.stdout.write((await sandbox.exec("print(6 * 7)")).stdout);
await sandbox.close();
await snapshotWritesSettled();
process.exit(0);`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, RLM_CACHE_DIR: cache },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stdout).toBe("42\n");
    // No waiting here: the process was gone only once the store had finished.
    expect(recordMatches()).toBe(true);
    expect(readdirSync(cache).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
