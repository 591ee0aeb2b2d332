/**
 * The viewer's server over real HTTP on 127.0.0.1: what it serves and with which types, what it
 * refuses (other paths, other Host names, writes), and the errors it starts with on a bad file.
 */

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RlmError } from "../errors/index.js";
import { JsonlTrajectoryWriter, TRAJECTORY_FORMAT } from "../trace/index.js";
import { findViewerFiles, type RunningViewer, runViewCommand, startViewer } from "./index.js";

let viewer: RunningViewer | undefined;
afterEach(async () => {
  await viewer?.close();
  viewer = undefined;
});

/** A trajectory of one metadata line, written by the real writer; returns its path. */
function writeTrace(folder: string): string {
  const path = join(folder, "run.jsonl");
  const writer = new JsonlTrajectoryWriter(path);
  writer.write({
    type: "metadata",
    format: TRAJECTORY_FORMAT,
    run_id: "run-1",
    started_at: new Date(0).toISOString(),
    query: "Which city?",
    root_model: "ollama:root",
    sub_model: "ollama:sub",
    max_depth: 1,
    depth: 0,
    context: { type: "str", total_chars: 10, parts: 1 },
    limits: { maxIterations: 3 },
  });
  writer.close();
  return path;
}

/** A folder standing in for the compiled page (the browser test serves the real one). */
function pageFolder(folder: string): string {
  const page = join(folder, "page");
  mkdirSync(page);
  writeFileSync(join(page, "main.js"), "export const built = true;\n");
  return page;
}

/** A GET with a chosen Host header (fetch would not let us set it). */
function get(url: string, path: string, options: { host?: string; method?: string } = {}) {
  const target = new URL(path, url);
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const sent = request(
      target,
      { method: options.method ?? "GET", headers: options.host ? { host: options.host } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            type: String(response.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    sent.on("error", reject);
    sent.end();
  });
}

describe("startViewer", () => {
  it("serves the page, its module and the trajectory, read afresh on each request", async () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-viewer-"));
    const tracePath = writeTrace(folder);
    viewer = await startViewer({ tracePath, files: { pageDirectory: pageFolder(folder) } });
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?trace=trace\.jsonl&name=run\.jsonl$/);

    const page = await get(viewer.url, "/");
    expect(page).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(page.body).toContain('src="page/main.js"');
    expect(await get(viewer.url, "/style.css")).toMatchObject({
      status: 200,
      type: "text/css; charset=utf-8",
    });
    expect(await get(viewer.url, "/page/main.js")).toMatchObject({
      status: 200,
      type: "text/javascript; charset=utf-8",
      body: "export const built = true;\n",
    });
    const trace = await get(viewer.url, "/trace.jsonl");
    expect(trace).toMatchObject({ status: 200, type: "application/x-ndjson; charset=utf-8" });
    expect(trace.body).toBe(readFileSync(tracePath, "utf8"));

    writeFileSync(tracePath, `${trace.body}${trace.body}`);
    expect((await get(viewer.url, "/trace.jsonl")).body).toBe(`${trace.body}${trace.body}`);
  });

  it("refuses other paths, other Host names and writes", async () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-viewer-"));
    const tracePath = writeTrace(folder);
    writeFileSync(join(folder, "secret.txt"), "not for the browser");
    viewer = await startViewer({ tracePath, files: { pageDirectory: pageFolder(folder) } });

    for (const path of [
      "/page/../secret.txt",
      "/page/%2e%2e/secret.txt",
      "/secret.txt",
      "/run.jsonl",
      "/page/x.ts",
    ]) {
      const answer = await get(viewer.url, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain("not for the browser");
    }
    const port = new URL(viewer.url).port;
    expect((await get(viewer.url, "/trace.jsonl", { host: `attacker.example:${port}` })).status).toBe(421);
    expect((await get(viewer.url, "/trace.jsonl", { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(viewer.url, "/trace.jsonl", { method: "POST" })).status).toBe(405);
  });

  it("fails at start, with a hint, on a missing or invalid trajectory or an unbuilt page", async () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-viewer-"));
    const files = { pageDirectory: pageFolder(folder) };

    const missing = await failure(startViewer({ tracePath: join(folder, "none.jsonl"), files }));
    expect(missing).toBeInstanceOf(RlmError);
    expect(missing).toMatchObject({ code: "trace-not-found" });

    const invalid = join(folder, "invalid.jsonl");
    writeFileSync(invalid, `${readFileSync(writeTrace(folder), "utf8")}{"type":"iteration"}\n`);
    const invalidError = await failure(startViewer({ tracePath: invalid, files }));
    expect(invalidError).toMatchObject({ code: "trace-invalid", message: expect.stringContaining("Line 2") });

    const unbuilt = await failure(
      startViewer({ tracePath: writeTrace(folder), files: { pageDirectory: join(folder, "nothing") } }),
    );
    expect(unbuilt).toMatchObject({
      code: "viewer-not-built",
      hint: expect.stringContaining("npm run build"),
    });
  });

  it("runViewCommand prints the address of a running viewer", async () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-viewer-"));
    const tracePath = writeTrace(folder);
    const lines: string[] = [];
    viewer = await runViewCommand(tracePath, {
      write: (line) => lines.push(line),
      handleSignals: false,
      files: { pageDirectory: pageFolder(folder) },
    });
    expect(lines).toEqual([`rlm view: ${tracePath} at ${viewer.url} (Ctrl-C to stop)`]);
    expect((await get(viewer.url, "/trace.jsonl")).body).toBe(readFileSync(tracePath, "utf8"));
  });

  it("finds the page's static files at the package root", () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-viewer-"));
    const { staticDirectory } = findViewerFiles({ pageDirectory: pageFolder(folder) });
    expect(readFileSync(join(staticDirectory, "index.html"), "utf8")).toContain("RLM trajectory");
  });
});

/** The error a promise rejects with (undefined if it resolves). */
function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
