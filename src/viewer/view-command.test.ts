/**
 * `rlm view DIR`, `rlm view A B` and `--open`, over real HTTP and real processes: a folder's
 * trajectories listed newest first (an unreadable one listed too, with its reason), only its own
 * `.jsonl` files served, a second file served for the comparison, and the platform opener run
 * with the address (a fake `xdg-open` on PATH that writes down what it was given; never a browser).
 */

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JsonlTrajectoryWriter, TRAJECTORY_FORMAT } from "../trace/index.js";
import {
  formatTrajectoryList,
  listTrajectories,
  openBrowser,
  type RunningViewer,
  runViewCommand,
} from "./index.js";
import { openerFor } from "./open-browser.js";

let viewer: RunningViewer | undefined;
afterEach(async () => {
  await viewer?.close();
  viewer = undefined;
});

/** A finished run written by the real writer: its question, start time, time and cost. */
function writeRun(path: string, query: string, startedAt: string, costUsd: number): void {
  const writer = new JsonlTrajectoryWriter(path);
  writer.write({
    type: "metadata",
    format: TRAJECTORY_FORMAT,
    run_id: query,
    started_at: startedAt,
    query,
    root_model: "ollama:root",
    sub_model: "ollama:sub",
    max_depth: 1,
    depth: 0,
    context: { type: "str", total_chars: 10, parts: 1 },
    limits: {},
  });
  writer.write({
    type: "result",
    answer: "42",
    stop_reason: "answer",
    iterations: 1,
    sub_calls: 0,
    depth_reached: 0,
    elapsed_ms: 1500,
    usage: { "ollama:root": { calls: 1, promptTokens: 10, completionTokens: 2, costUsd } },
  });
  writer.close();
}

function folderOfRuns(): string {
  const folder = mkdtempSync(join(tmpdir(), "rlm-view-dir-"));
  writeRun(join(folder, "older.jsonl"), "Which city?", "2026-01-01T10:00:00.000Z", 0.002);
  writeRun(join(folder, "newer.jsonl"), "How many errors?", "2026-01-02T10:00:00.000Z", 0.5);
  writeFileSync(join(folder, "broken.jsonl"), "{not json\n");
  writeFileSync(join(folder, "notes.txt"), "not a trajectory");
  writeFileSync(join(folder, ".hidden.jsonl"), "");
  return folder;
}

/** A folder standing in for the compiled page (the browser test serves the real one). */
function pageFolder(folder: string): string {
  const page = join(folder, "page-build");
  mkdirSync(page);
  writeFileSync(join(page, "main.js"), "export const built = true;\n");
  return page;
}

describe("rlm view DIR", () => {
  it("lists a folder's trajectories newest first, with question, status, time and cost", async () => {
    const summaries = await listTrajectories(folderOfRuns());
    expect(summaries.map((summary) => summary.file)).toEqual(["broken.jsonl", "newer.jsonl", "older.jsonl"]);
    // The broken file has no start time of its own: its modification time (now) puts it first.
    expect(summaries[0]).toMatchObject({ status: "unreadable", error: expect.stringContaining("Line 1") });
    expect(summaries[1]).toMatchObject({
      question: "How many errors?",
      status: "answer",
      started: "2026-01-02T10:00:00.000Z",
      elapsedMs: 1500,
      costUsd: 0.5,
    });
    const lines = formatTrajectoryList(summaries);
    expect(lines[1]).toMatch(
      /^2026-01-02 10:00:00 {2}answer .* 1\.5 s .*\$0\.5000 {2}newer\.jsonl {2}How many errors\?$/,
    );
  });

  it("serves the list and each .jsonl of the folder, nothing else, and prints the list", async () => {
    const folder = folderOfRuns();
    const lines: string[] = [];
    viewer = await runViewCommand(folder, {
      write: (line) => lines.push(line),
      handleSignals: false,
      files: { pageDirectory: pageFolder(folder) },
    });
    expect(viewer.url).toMatch(/\/\?list=list\.json&name=rlm-view-dir-\w+$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain("newer.jsonl");
    expect(lines[3]).toBe(`rlm view: ${folder} at ${viewer.url} (Ctrl-C to stop)`);
    const list = await fetch(new URL("/list.json", viewer.url));
    expect(list.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(((await list.json()) as { file: string }[]).map((summary) => summary.file)).toHaveLength(3);
    const served = await fetch(new URL("/files/newer.jsonl", viewer.url));
    expect(await served.text()).toBe(readFileSync(join(folder, "newer.jsonl"), "utf8"));
    for (const path of [
      "/files/notes.txt",
      "/files/.hidden.jsonl",
      "/files/..%2Fnewer.jsonl",
      "/trace.jsonl",
    ]) {
      expect((await fetch(new URL(path, viewer.url))).status, path).toBe(404);
    }
  });
});

describe("rlm view A B", () => {
  it("serves the second file for the comparison, under its real name", async () => {
    const folder = folderOfRuns();
    const lines: string[] = [];
    const [first, second] = [join(folder, "older.jsonl"), join(folder, "newer.jsonl")];
    viewer = await runViewCommand(first, {
      compare: second,
      write: (line) => lines.push(line),
      handleSignals: false,
      files: { pageDirectory: pageFolder(folder) },
    });
    expect(viewer.url).toMatch(
      /\/\?trace=trace\.jsonl&name=older\.jsonl&compare=compare\.jsonl&compare-name=newer\.jsonl$/,
    );
    expect(lines).toEqual([`rlm view: ${first} and ${second} at ${viewer.url} (Ctrl-C to stop)`]);
    expect(await (await fetch(new URL("/compare.jsonl", viewer.url))).text()).toBe(
      readFileSync(second, "utf8"),
    );
  });

  it("refuses a folder and a file together", async () => {
    const folder = folderOfRuns();
    const refused = runViewCommand(folder, { compare: join(folder, "newer.jsonl"), handleSignals: false });
    await expect(refused).rejects.toMatchObject({
      code: "usage",
      message: expect.stringContaining("is a folder"),
    });
  });
});

describe("rlm view --open", () => {
  /** A fake `xdg-open` on a PATH of its own that writes its arguments to a file. */
  function fakeOpener(): { env: NodeJS.ProcessEnv; seen: string } {
    const bin = mkdtempSync(join(tmpdir(), "rlm-opener-"));
    const seen = join(bin, "seen.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    return { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` }, seen };
  }

  it("runs the platform opener with the page's address", async () => {
    const opener = fakeOpener();
    const folder = folderOfRuns();
    const lines: string[] = [];
    viewer = await runViewCommand(join(folder, "newer.jsonl"), {
      open: true,
      openerEnv: opener.env,
      platform: "linux",
      write: (line) => lines.push(line),
      handleSignals: false,
      files: { pageDirectory: pageFolder(folder) },
    });
    expect(readFileSync(opener.seen, "utf8")).toBe(`${viewer.url}\n`);
    expect(lines).toHaveLength(1);
  });

  it("says so, without failing, when there is no opener; opens nothing unless asked", async () => {
    const warning = await openBrowser("http://127.0.0.1:1/", {
      platform: "linux",
      env: { PATH: "/nonexistent" },
    });
    expect(warning).toMatch(/^could not start xdg-open .*open the address yourself\.$/);
    const opener = fakeOpener();
    const folder = folderOfRuns();
    viewer = await runViewCommand(join(folder, "newer.jsonl"), {
      openerEnv: opener.env,
      write: () => undefined,
      handleSignals: false,
      files: { pageDirectory: pageFolder(folder) },
    });
    expect(existsSync(opener.seen)).toBe(false);
  });

  it("uses open on macOS and start on Windows", () => {
    expect(openerFor("http://x/?a=1&b=2", "darwin")).toEqual(["open", ["http://x/?a=1&b=2"]]);
    expect(openerFor("http://x/?a=1&b=2", "win32")).toEqual([
      "cmd",
      ["/c", "start", '""', "http://x/?a=1^&b=2"],
    ]);
    expect(openerFor("http://x/", "freebsd")).toEqual(["xdg-open", ["http://x/"]]);
  });
});
