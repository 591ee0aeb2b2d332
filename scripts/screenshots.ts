/**
 * `node --import tsx scripts/screenshots.ts`: regenerates the viewer's screenshots in
 * `docs/screenshots/` from real runs: `rlm demo` (the real engine and sandbox with its SCRIPTED
 * model) for the overview and, with two seeds, for the comparison; a run whose root starts a child
 * RLM (depth 2, against a fake model server, as in the viewer tests); and a generated fan-out of
 * 1,000 sub-calls at concurrency 32 for the timeline. Debian's chromium through playwright-core,
 * headless; no browser is downloaded. Run `npm run build` first only if you want `rlm` itself:
 * the page is compiled here.
 */

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { hasChromium, launchChromium } from "../src/viewer/__fixtures__/chromium.js";
import { compilePage } from "../src/viewer/__fixtures__/compile-page.js";
import { writeFanOutTrajectory } from "../src/viewer/__fixtures__/fan-out-trajectory.js";
import { writeTrajectory } from "../src/viewer/__fixtures__/write-trajectory.js";
import { startViewer } from "../src/viewer/serve.js";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "docs", "screenshots");
const VIEWPORT = { width: 1280, height: 800 };

/** `rlm demo` through the sources (tsx), writing its trajectory to `trace`. */
async function demo(trace: string, seed: number, size: string): Promise<void> {
  const cli = join(ROOT, "src", "cli", "main.ts");
  const args = [
    "--import",
    "tsx",
    cli,
    "demo",
    "-q",
    "--sandbox",
    "process",
    "--seed",
    String(seed),
    "--size",
    size,
  ];
  await promisify(execFile)(process.execPath, [...args, "--trace", trace], { cwd: ROOT });
}

async function shoot(
  browser: Browser,
  pageDirectory: string,
  files: { trace: string; compare?: string },
  name: string,
  prepare: (page: Page) => Promise<void>,
): Promise<void> {
  const viewer = await startViewer({
    tracePath: files.trace,
    ...(files.compare ? { comparePath: files.compare } : {}),
    files: { pageDirectory },
  });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(viewer.url);
    await page.waitForSelector(".run");
    await prepare(page);
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path });
    console.log(`${path}: ${Math.round(statSync(path).size / 1024)} KB`);
    await page.close();
  } finally {
    await viewer.close();
  }
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error("No /usr/bin/chromium: apt-get install chromium, then run this again.");
  mkdirSync(OUT, { recursive: true });
  const folder = mkdtempSync(join(tmpdir(), "rlm-screenshots-"));
  const [first, second, fanOut] = ["seed-1.jsonl", "seed-2.jsonl", "fan-out.jsonl"].map((file) =>
    join(folder, file),
  );
  const [pageDirectory, depthTwo] = await Promise.all([
    compilePage(),
    writeTrajectory(),
    demo(first!, 1, "120K"),
    demo(second!, 2, "200K"),
  ]);
  writeFanOutTrajectory(fanOut!, { calls: 1000, concurrency: 32 });
  const browser = await launchChromium();
  try {
    await shoot(browser, pageDirectory, { trace: first! }, "overview", async () => undefined);
    await shoot(browser, pageDirectory, { trace: fanOut! }, "timeline-fan-out", async (page) => {
      await page.evaluate(() => {
        document.querySelector(".timeline-caption")?.scrollIntoView();
        window.scrollBy(0, -90);
      });
    });
    await shoot(browser, pageDirectory, { trace: depthTwo }, "depth-2", async (page) => {
      // The child RLM's sub-call, opened with its own iterations (a deep link, as a user would).
      await page.evaluate(() => {
        location.hash = "#iter=1&call=1";
      });
      const call = page.locator("details.sub-call[open]").first();
      await call.waitFor();
      await call.locator("details.iteration > summary").first().click();
      await call.evaluate((element) => {
        element.scrollIntoView();
        window.scrollBy(0, -70);
      });
    });
    await shoot(browser, pageDirectory, { trace: first!, compare: second! }, "comparison", async (page) => {
      await page.waitForSelector(".comparison-table");
    });
  } finally {
    await browser.close();
  }
}

await main();
