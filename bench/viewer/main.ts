/**
 * Viewer bench: how long the trajectory viewer takes to open a wide fan-out and to scroll it, in
 * Debian's chromium (playwright-core, headless). Generated trajectories (one block of N
 * `llm_query` calls at concurrency 32, a child RLM, a final turn), the page compiled from the
 * sources; medians of several runs, load average printed (the machine may be shared).
 *
 *   node --import tsx bench/viewer/main.ts [--runs 3] [--calls 1000,10000]
 */

import { mkdtempSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, hasChromium, launchChromium } from "../../src/viewer/__fixtures__/chromium.js";
import { compilePage } from "../../src/viewer/__fixtures__/compile-page.js";
import { measureViewer, writeFanOutTrajectory } from "../../src/viewer/__fixtures__/fan-out-trajectory.js";
import { startViewer } from "../../src/viewer/serve.js";
import { argument, median } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";

if (!hasChromium) {
  console.error(`bench/viewer needs ${CHROMIUM} (apt-get install chromium).`);
  process.exit(1);
}

const runs = Math.max(1, Number(argument("runs", "3")));
const sizes = argument("calls", "1000,10000").split(",").map(Number);
const directory = mkdtempSync(join(tmpdir(), "rlm-bench-viewer-"));
const pageDirectory = await compilePage();
const browser = await launchChromium();
const load = loadavg()[0]!;
const rows: string[][] = [];
try {
  for (const calls of sizes) {
    const path = writeFanOutTrajectory(join(directory, `fan-out-${calls}.jsonl`), { calls, concurrency: 32 });
    const viewer = await startViewer({ tracePath: path, files: { pageDirectory } });
    const open: number[] = [];
    const scroll: number[] = [];
    const pageScroll: number[] = [];
    let lanes = 0;
    let steps = 0;
    try {
      for (let run = 0; run < runs; run++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const timings = await measureViewer(page, viewer.url);
        open.push(timings.openMs);
        scroll.push(timings.scrollMs / timings.scrollSteps);
        pageScroll.push(timings.pageScrollMs / timings.scrollSteps);
        lanes = timings.lanes;
        steps = timings.scrollSteps;
        await page.close();
      }
    } finally {
      await viewer.close();
    }
    rows.push([
      formatNumber(calls),
      String(lanes),
      formatNumber(Math.round(median(open))),
      median(scroll).toFixed(1),
      median(pageScroll).toFixed(1),
      String(steps),
    ]);
  }
} finally {
  await browser.close();
}

console.log(
  renderTable(
    `Viewer: open and scroll a fan-out at concurrency 32 (chromium headless, medians of ${runs}; load average ${load.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end, ${availableParallelism()} cores)`,
    ["Sub-calls", "Lanes", "Open (ms)", "Timeline scroll (ms/step)", "Page scroll (ms/step)", "Steps"],
    rows,
  ),
);
console.log(
  "\nA step is one scroll position drawn (two animation frames, about 33 ms at 60 Hz, is the floor).",
);
