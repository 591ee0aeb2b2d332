/**
 * The viewer page in chromium for `rlm view A B` and `rlm view DIR`: two runs of a real trajectory
 * compared (the first turn where they differ, the answers, cost and time), and a folder's list whose
 * links open a file under its real name. Model output in either stays text.
 */

import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium, launchChromium } from "./__fixtures__/chromium.js";
import { compilePage } from "./__fixtures__/compile-page.js";
import { FINAL_ANSWER, writeTrajectory } from "./__fixtures__/write-trajectory.js";
import { type RunningViewer, startViewer } from "./serve.js";

if (!hasChromium) console.warn(`Skipping the viewer comparison tests: ${CHROMIUM} is missing.`);

const CHANGED_ANSWER = '<img src="x" onerror="window.__pwned = 3">';

/** The run again, as a replay that went another way: turn 1's first output and the answer differ, slower. */
function divergedCopy(tracePath: string, folder: string): string {
  const lines = readFileSync(tracePath, "utf8").trim().split("\n");
  const changed = lines.map((line) => {
    const record = JSON.parse(line) as Record<string, unknown> & {
      code_blocks?: { result: { stdout: string } }[];
    };
    if (record.type === "iteration" && record.iteration === 1 && record.code_blocks?.[0]) {
      record.code_blocks[0].result.stdout += "one more line\n";
    }
    if (record.type === "result") {
      record.answer = CHANGED_ANSWER;
      record.elapsed_ms = Number(record.elapsed_ms) * 2;
    }
    return JSON.stringify(record);
  });
  const path = join(folder, "replayed.jsonl");
  writeFileSync(path, `${changed.join("\n")}\n`);
  return path;
}

describe.skipIf(!hasChromium)("viewer comparison and folder list in chromium", () => {
  let browser: Browser | undefined;
  let pageDirectory = "";
  let folder = "";
  let recorded = "";
  let replayed = "";
  const viewers: RunningViewer[] = [];

  beforeAll(async () => {
    const [compiled, trace] = await Promise.all([compilePage(), writeTrajectory()]);
    pageDirectory = compiled;
    folder = mkdtempSync(join(tmpdir(), "rlm-view-compare-"));
    recorded = join(folder, "recorded.jsonl");
    copyFileSync(trace, recorded);
    replayed = divergedCopy(recorded, folder);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const viewer of viewers) await viewer.close();
  });

  async function open(url: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(url);
    return { page, errors };
  }

  it("shows where two runs first differ, and their answers, cost and time side by side", async () => {
    const viewer = await startViewer({
      tracePath: recorded,
      comparePath: replayed,
      files: { pageDirectory },
    });
    viewers.push(viewer);
    const { page, errors } = await open(viewer.url);
    await expect
      .poll(() => page.locator(".first-difference").textContent())
      .toBe("First difference: turn 1, block 1, stdout.");
    await expect(page.locator(".difference-texts .actual pre").textContent()).resolves.toContain(
      "one more line",
    );
    const rows = page.locator(".comparison-table tbody tr");
    await expect(rows.nth(0).locator("td").allTextContents()).resolves.toEqual([
      FINAL_ANSWER,
      CHANGED_ANSWER,
      "differs",
    ]);
    await expect(rows.nth(3).getAttribute("class")).resolves.toBe("differs");
    await expect(rows.nth(3).locator("td.change").textContent()).resolves.toMatch(/^\+.* \(\+100%\)$/);
    await expect(rows.nth(2).locator("td.change").textContent()).resolves.toBe("same");
    expect(await page.locator(".compare-columns > .run").count()).toBe(2);
    await expect(page.locator(".compare-columns > .run h2").allTextContents()).resolves.toEqual([
      expect.stringContaining("recorded.jsonl"),
      expect.stringContaining("replayed.jsonl"),
    ]);
    await expect(page.locator("#status .source").textContent()).resolves.toBe(
      "recorded.jsonl ↔ replayed.jsonl",
    );
    await expect(page.locator("#sidebar .nav-run-title").allTextContents()).resolves.toEqual([
      "recorded.jsonl",
      "replayed.jsonl",
    ]);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so when the two runs are the same", async () => {
    const viewer = await startViewer({
      tracePath: recorded,
      comparePath: recorded,
      files: { pageDirectory },
    });
    viewers.push(viewer);
    const { page, errors } = await open(viewer.url);
    await expect.poll(() => page.locator(".first-difference").textContent()).toContain("the same answer");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists a folder's trajectories and opens one under its real name", async () => {
    // A name with characters that end a URL's path ("#", "?") opens too.
    copyFileSync(recorded, join(folder, "odd #1?.jsonl"));
    const viewer = await startViewer({ tracePath: folder, files: { pageDirectory } });
    viewers.push(viewer);
    const { page, errors } = await open(viewer.url);
    const rows = page.locator(".trajectory-list tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    await expect(rows.locator("td.file").allTextContents()).resolves.toEqual(
      expect.arrayContaining(["recorded.jsonl", "replayed.jsonl"]),
    );
    await expect(rows.first().locator(".badge").textContent()).resolves.toBe("answer");
    await page.locator(".trajectory-list a", { hasText: "replayed.jsonl" }).click();
    await expect.poll(() => page.locator("#status .source").textContent()).toBe("replayed.jsonl");
    await expect(page.locator(".result .answer pre").textContent()).resolves.toBe(CHANGED_ANSWER);
    expect(await page.title()).toBe("replayed.jsonl · RLM trajectory");
    await page.goBack();
    await page.locator(".trajectory-list a", { hasText: "odd #1?.jsonl" }).click();
    await expect.poll(() => page.locator("#status .source").textContent()).toBe("odd #1?.jsonl");
    await expect(page.locator(".result .answer pre").textContent()).resolves.toBe(FINAL_ANSWER);
    expect(errors).toEqual([]);
    await page.close();
  });
});
