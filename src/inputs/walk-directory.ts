import { readdir } from "node:fs/promises";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";
import { readFileBounded } from "./bounded-read.js";

/**
 * Lists the files under a directory the way `git` would see them: every `.gitignore` on the way
 * down applies to its own subtree, and `.git` and `node_modules` are never entered (a tree without
 * a .gitignore should not drown the question in dependencies). Only regular files and directories
 * are listed: a FIFO, socket or device in the tree is left out, so reading never blocks on one.
 */

const ALWAYS_SKIPPED = new Set([".git", "node_modules"]);

/** Git ignores larger .gitignore files too; one this size is a mistake, not rules. */
const MAX_GITIGNORE_BYTES = 100 * 1024 * 1024;

interface Rules {
  /** Directory of the .gitignore, relative to the walk's root ("" for the root). */
  base: string;
  matcher: Ignore;
}

async function readRules(directory: string, base: string): Promise<Rules | undefined> {
  try {
    // Like git, a .gitignore that is a symbolic link, a FIFO or a device is not read.
    const read = await readFileBounded(join(directory, ".gitignore"), MAX_GITIGNORE_BYTES, {
      regularOnly: true,
    });
    if (!read.complete) return undefined;
    return { base, matcher: ignore().add(Buffer.from(read.bytes).toString("utf8")) };
  } catch {
    // No .gitignore here (the common case), or an unreadable one: nothing extra to ignore.
    return undefined;
  }
}

function isIgnored(rules: Rules[], relativePath: string, isDirectory: boolean): boolean {
  for (const { base, matcher } of rules) {
    const local = base === "" ? relativePath : relativePath.slice(base.length + 1);
    if (matcher.ignores(isDirectory ? `${local}/` : local)) return true;
  }
  return false;
}

/** Files under `root`, as `/`-separated paths relative to it, in a stable (sorted) order. */
export async function walkDirectory(root: string): Promise<string[]> {
  const files: string[] = [];
  async function visit(relative: string, inherited: Rules[]): Promise<void> {
    const directory = relative === "" ? root : join(root, relative);
    const own = await readRules(directory, relative);
    const rules = own ? [...inherited, own] : inherited;
    const entries = await readdir(directory, { withFileTypes: true });
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || isIgnored(rules, path, true)) continue;
        await visit(path, rules);
      } else if (entry.isFile() && !isIgnored(rules, path, false)) {
        files.push(path);
      }
    }
  }
  await visit("", []);
  return files;
}
