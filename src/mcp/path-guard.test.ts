import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRlmError } from "../errors/index.js";
import { readInputs } from "../inputs/index.js";
import { type AllowedRoot, allowedRoot, clientRoots, isInside, PathGuard } from "./path-guard.js";

/**
 * The guard as `rlm_ask` uses it: `readInputs` over what a (possibly prompt-injected) client asks
 * for, with the guard's check on every path. A refusal must come before the outside file is read;
 * the secret below must never appear in a context.
 */

let base: string;
let root: AllowedRoot;
const SECRET = "the secret is 31337";

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "rlm-guard-"));
  await mkdir(join(base, "root", "sub"), { recursive: true });
  await mkdir(join(base, "outside"), { recursive: true });
  await writeFile(join(base, "outside", "secret.txt"), `${SECRET}\n`);
  await writeFile(join(base, "root", "notes.md"), "the code is 4471\n");
  await writeFile(join(base, "root", "sub", "a.txt"), "the code is 12\n");
  await symlink(join(base, "outside", "secret.txt"), join(base, "root", "link-out.txt"));
  await symlink("../outside", join(base, "root", "dir-link"));
  await symlink(join(base, "root"), join(base, "root-link"));
  execFileSync("mkfifo", [join(base, "root", "pipe")]);
  root = await allowedRoot(join(base, "root"));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function read(specs: string[], guard: PathGuard, cwd = join(base, "root")) {
  return readInputs(specs, { cwd, stdinIsTerminal: true, checkPath: (path) => guard.check(path) });
}

async function refusal(specs: string[], guard: PathGuard, cwd?: string): Promise<string> {
  const error = await read(specs, guard, cwd).then(
    (input) => new Error(`read: ${JSON.stringify(input.context)}`),
    (thrown: unknown) => thrown,
  );
  if (!isRlmError(error)) throw error;
  return `${error.code}: ${error.message}`;
}

describe("isInside", () => {
  it("takes a root and what is below it, never a sibling that shares its prefix", () => {
    expect(isInside("/a/b", "/a/b")).toBe(true);
    expect(isInside("/a/b", "/a/b/c/d")).toBe(true);
    expect(isInside("/a/b", "/a/bc")).toBe(false);
    expect(isInside("/a/b", "/a")).toBe(false);
    expect(isInside("/a/b", "/a/b/../c")).toBe(false);
    expect(isInside("/a/b", "/a/b/..foo")).toBe(true);
    expect(isInside("/", "/etc/passwd")).toBe(true);
  });
});

describe("PathGuard over readInputs", () => {
  it("reads files, directories and globs inside the root, `..` that stays inside included", async () => {
    const guard = new PathGuard({ root });
    expect((await read(["notes.md"], guard)).context).toBe("the code is 4471\n");
    expect((await read(["sub/../notes.md"], guard)).context).toBe("the code is 4471\n");
    expect((await read([join(base, "root", "sub", "a.txt")], guard)).context).toBe("the code is 12\n");
    // A directory walk and a glob list only what is inside: links (and the FIFO) are not followed.
    const walked = await read(["."], guard);
    expect(Object.keys(walked.context as Record<string, string>)).toEqual(["notes.md", "sub/a.txt"]);
    const globbed = await read(["**/*"], guard);
    expect(Object.keys(globbed.context as Record<string, string>)).toEqual(["notes.md", "sub/a.txt"]);
    expect(JSON.stringify(globbed.context)).not.toContain(SECRET);
    // `..` after the glob's literal base never matches: the walk lists no `..`, nor anything outside.
    expect((await read(["{..,sub}/*.txt"], guard)).context).toEqual({ "sub/a.txt": "the code is 12\n" });
  });

  it("refuses absolute paths, `..`, links that lead out and globs that escape, saying why", async () => {
    const guard = new PathGuard({ root });
    const cases: [string, RegExp][] = [
      ["/etc/passwd", /Refused to read \/etc\/passwd: .*; it is outside them/],
      ["../outside/secret.txt", /it is outside them/],
      ["sub/../../outside/secret.txt", /it is outside them/],
      [join(base, "outside", "secret.txt"), /it is outside them/],
      ["link-out.txt", /a symbolic link on the way leads outside them/],
      ["dir-link", /a symbolic link on the way leads outside them/],
      ["dir-link/secret.txt", /a symbolic link on the way leads outside them/],
      // A missing file behind a link out says the same as an existing one: no oracle.
      ["dir-link/missing.txt", /a symbolic link on the way leads outside them/],
      ["/**", /Refused to read \/\*\*/],
      ["../**", /it is outside them/],
      ["../*/secret.txt", /it is outside them/],
      ["**/../../outside/*.txt", /it is outside them/],
      ["dir-link/*.txt", /a symbolic link on the way leads outside them/],
      ["pipe", /it is not a regular file or a directory/],
    ];
    for (const [spec, message] of cases) {
      const said = await refusal([spec], guard);
      expect(said, spec).toMatch(/^input-outside-root: /);
      expect(said, spec).toMatch(message);
      expect(said, spec).not.toContain(SECRET);
    }
    // One bad path among good ones refuses the whole call.
    expect(await refusal(["notes.md", "../outside/secret.txt"], guard)).toMatch(/^input-outside-root/);
  });

  it("treats a missing path inside the root as missing, not as refused", async () => {
    expect(await refusal(["nope.txt"], new PathGuard({ root }))).toMatch(/^input-not-found: /);
  });

  it("refuses everything from a working directory outside the root, relative paths included", async () => {
    const guard = new PathGuard({ root: await allowedRoot(join(base, "root", "sub")) });
    expect(await refusal(["notes.md"], guard)).toMatch(/it is outside them/);
    expect(await refusal(["*.md"], guard)).toMatch(/it is outside them/);
    expect((await read(["sub/a.txt"], guard)).context).toBe("the code is 12\n");
  });

  it("accepts a root given through a symbolic link, by either name", async () => {
    const guard = new PathGuard({ root: await allowedRoot(join(base, "root-link")) });
    expect((await read([join(base, "root-link", "notes.md")], guard)).context).toBe("the code is 4471\n");
    expect((await read([join(base, "root", "notes.md")], guard)).context).toBe("the code is 4471\n");
    expect(await refusal(["../outside/secret.txt"], guard)).toMatch(/it is outside them/);
  });

  it("narrows to the client's roots, which can never widen the server's root", async () => {
    const client = await clientRoots([
      `file://${join(base, "root", "sub")}`,
      `file://${join(base, "outside")}`,
      "https://example.com/",
      `file://${join(base, "nope")}`,
    ]);
    expect(client.roots.map((each) => each.path)).toEqual([join(base, "root", "sub"), join(base, "outside")]);
    expect(client.ignored.map((each) => each.uri)).toEqual([
      "https://example.com/",
      `file://${join(base, "nope")}`,
    ]);
    const guard = new PathGuard({ root, clientRoots: client.roots });
    expect((await read(["sub/a.txt"], guard)).context).toBe("the code is 12\n");
    expect(await refusal(["notes.md"], guard)).toMatch(/within the client's roots/);
    expect(await refusal(["../outside/secret.txt"], guard)).toMatch(/it is outside them/);

    const none = new PathGuard({ root, clientRoots: [] });
    const said = await refusal(["notes.md"], none);
    expect(said).toMatch(/the client declared no file roots/);
  });
});
