/**
 * The cached memory snapshot's integrity, kept by the host (the sandbox host process may read the
 * cache but never write it). A snapshot is stored atomically (a temporary file renamed into place),
 * readable and writable only by the user, with a record beside it: the SHA-256 of its bytes and a
 * binding to the Pyodide version, the warm-up imports and the driver. A worker boots from the
 * snapshot only when its bytes hash to the recorded digest and the binding is the current one;
 * anything else (a truncated file, another version, a planted file) is rebuilt.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface SnapshotLocation {
  path: string;
  /** Hash of what the snapshot was made from (Pyodide version, warm-up imports, driver). */
  binding: string;
}

interface SnapshotRecord {
  binding: string;
  sha256: string;
}

const recordPath = (path: string) => `${path}.json`;

/** What a worker is told: the path, and the digest to check (undefined: make a new snapshot). */
export function expectedSnapshot(location: SnapshotLocation): { path: string; digest: string | undefined } {
  let digest: string | undefined;
  try {
    const record = JSON.parse(readFileSync(recordPath(location.path), "utf8")) as Partial<SnapshotRecord>;
    if (record.binding === location.binding && typeof record.sha256 === "string") digest = record.sha256;
  } catch {
    // No record (first run, or a cache from before records): build one.
  }
  return { path: location.path, digest };
}

/** Stores still writing: see `snapshotWritesSettled`. */
const writing = new Set<Promise<void>>();

/**
 * Resolves when every snapshot store of this process has finished. A command that exits with
 * `process.exit` waits for it: a store cut short saves nothing (every later cold start pays the
 * full boot again) and leaves its temporary file behind.
 */
export async function snapshotWritesSettled(): Promise<void> {
  await Promise.allSettled([...writing]);
}

/** Stores a snapshot a worker made, with its record; a failure costs the next start time only. */
export function storeSnapshot(location: SnapshotLocation, bytes: Uint8Array): Promise<void> {
  const stored = store(location, bytes);
  writing.add(stored);
  const done = () => {
    writing.delete(stored);
  };
  stored.then(done, done);
  return stored;
}

async function store(location: SnapshotLocation, bytes: Uint8Array): Promise<void> {
  const directory = dirname(location.path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await removeAbandoned(location.path);
  const suffix = `${process.pid}.${Date.now()}.tmp`;
  const record: SnapshotRecord = {
    binding: location.binding,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  const temporary = {
    snapshot: `${location.path}.${suffix}`,
    record: `${recordPath(location.path)}.${suffix}`,
  };
  try {
    await writeFile(temporary.snapshot, bytes, { mode: 0o600 });
    await writeFile(temporary.record, JSON.stringify(record), { mode: 0o600 });
    // `mode` applies only to new files; a umask may have narrowed it further, never widened it.
    await chmod(temporary.snapshot, 0o600);
    // The snapshot first: a reader that sees the new record finds the bytes it describes.
    await rename(temporary.snapshot, location.path);
    await rename(temporary.record, recordPath(location.path));
  } finally {
    await rm(temporary.snapshot, { force: true });
    await rm(temporary.record, { force: true });
  }
}

/** `<snapshot>[.json].<pid>.<time>.tmp`: the temporary files of a store. */
const TEMPORARY = /\.(\d+)\.\d+\.tmp$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the temporary files of stores whose process died before finishing (killed, crashed). */
async function removeAbandoned(path: string): Promise<void> {
  const name = basename(path);
  const entries = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = TEMPORARY.exec(entry)?.[1];
    if (!entry.startsWith(`${name}.`) || pid === undefined) continue;
    if (Number(pid) === process.pid || isRunning(Number(pid))) continue;
    await rm(join(dirname(path), entry), { force: true });
  }
}
