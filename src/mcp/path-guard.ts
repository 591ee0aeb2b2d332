import { realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { RlmError } from "../errors/index.js";

/**
 * Keeps `rlm mcp`'s reads inside the folders it may read. The client is not trusted: a
 * prompt-injected client may ask for `/etc/passwd`, `../../.ssh`, a symbolic link that leads out,
 * or a glob such as `/**`. A path is allowed only when it is inside the server's root (`--root`,
 * default the working directory) and, when the client declares MCP roots, inside one of those too:
 * the client can narrow what the server reads, never widen it.
 *
 * Each path is judged twice. First as written (made absolute, `..` folded): one outside every root
 * is refused before the file system is touched, so a refusal says nothing about what exists
 * there. Then by its real path (every symbolic link followed; for a path that does not exist, its
 * nearest existing ancestor's), so a link inside a root that points out is refused too. Anything
 * that is neither a regular file nor a directory (a FIFO, a socket, a device) is refused, so a
 * read cannot block on it. `readInputs` calls the check on each path given, on a glob's base
 * before it is walked and on each file a walk finds before it is read (walks never follow links).
 */

export interface AllowedRoot {
  /** Absolute, as given. */
  path: string;
  /** With every symbolic link resolved. */
  real: string;
}

/** True when `path` is `root` itself or below it (both absolute and normalized). */
export function isInside(root: string, path: string): boolean {
  const local = relative(root, path);
  return local === "" || (!isAbsolute(local) && local !== ".." && !local.startsWith(`..${sep}`));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The real path of `absolute`, or, when it does not exist, its nearest existing ancestor's real path joined with the rest. */
async function realPathOf(absolute: string): Promise<string> {
  try {
    return await realpath(absolute);
  } catch (error) {
    const parent = dirname(absolute);
    if (!isMissing(error) || parent === absolute) throw error;
    return join(await realPathOf(parent), basename(absolute));
  }
}

/** An allowed root from a directory: it must exist and be a directory. */
export async function allowedRoot(directory: string): Promise<AllowedRoot> {
  const path = resolve(directory);
  const real = await realpath(path);
  if (!(await stat(real)).isDirectory()) throw new Error(`${path} is not a directory`);
  return { path, real };
}

/**
 * The client's roots as directories: `file://` URIs that name an existing directory. Others (not
 * `file:`, missing, not a directory) allow nothing and are returned in `ignored`.
 */
export async function clientRoots(
  uris: string[],
): Promise<{ roots: AllowedRoot[]; ignored: { uri: string; reason: string }[] }> {
  const roots: AllowedRoot[] = [];
  const ignored: { uri: string; reason: string }[] = [];
  for (const uri of uris) {
    try {
      roots.push(await allowedRoot(fileURLToPath(uri)));
    } catch (error) {
      ignored.push({ uri, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { roots, ignored };
}

export interface PathGuardOptions {
  /** The server's root (`--root`). */
  root: AllowedRoot;
  /** The client's roots when it declares the capability (possibly none: then nothing is allowed). */
  clientRoots?: AllowedRoot[];
}

export class PathGuard {
  constructor(private readonly options: PathGuardOptions) {}

  /** Throws `input-outside-root` unless `absolute` may be read. */
  async check(absolute: string): Promise<void> {
    const path = resolve(absolute);
    if (!this.allows(path, false)) throw this.refusal(path, "it is outside them");
    let real: string;
    try {
      real = await realPathOf(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw this.refusal(path, `its real path cannot be checked (${code})`);
    }
    if (!this.allows(real, true)) throw this.refusal(path, "a symbolic link on the way leads outside them");
    const kind = await stat(real).then(
      (stats) => (stats.isFile() || stats.isDirectory() ? "ok" : "special"),
      () => "missing",
    );
    // A missing path is left to the reader ("no such file"); it was inside the roots.
    if (kind === "special") throw this.refusal(path, "it is not a regular file or a directory");
  }

  private allows(path: string, real: boolean): boolean {
    const inside = (root: AllowedRoot): boolean =>
      real ? isInside(root.real, path) : isInside(root.path, path) || isInside(root.real, path);
    const { root, clientRoots } = this.options;
    return inside(root) && (clientRoots === undefined || clientRoots.some(inside));
  }

  /** Where reads are allowed, in words. */
  describe(): string {
    const { root, clientRoots } = this.options;
    if (clientRoots === undefined) return root.path;
    if (clientRoots.length === 0) return `${root.path}, but the client declared no file roots`;
    return `${root.path}, and within the client's roots ${clientRoots.map((each) => each.path).join(", ")}`;
  }

  private refusal(path: string, reason: string): RlmError {
    const { clientRoots } = this.options;
    const hint =
      clientRoots !== undefined && clientRoots.length === 0
        ? "The client shares no folders with this server: add the folder to its workspace (MCP roots), or pass the text itself."
        : "Give a path inside the allowed folders, or start `rlm mcp --root DIR` on a folder that holds it.";
    return new RlmError(
      "input-outside-root",
      `Refused to read ${path}: this server reads only inside ${this.describe()}; ${reason}.`,
      { hint },
    );
  }
}
