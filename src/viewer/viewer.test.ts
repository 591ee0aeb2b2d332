/**
 * The viewer page in a real browser (Debian's chromium driven by playwright-core, never a
 * downloaded one), showing a trajectory written by a real RLM run against a fake model server.
 */

import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium, launchChromium } from "./__fixtures__/chromium.js";
import { compilePage } from "./__fixtures__/compile-page.js";
import { measureViewer, writeFanOutTrajectory } from "./__fixtures__/fan-out-trajectory.js";
import {
  CHILD_ANSWER,
  CHILD_CODE,
  CONTEXT,
  FINAL_ANSWER,
  IMAGE_IN_SUB_REPLY,
  QUERY,
  ROOT_CODE,
  SCRIPT_IN_REPLY,
  writeTrajectory,
} from "./__fixtures__/write-trajectory.js";
import { parseTrajectoryText } from "./page/parse-trajectory-text.js";
import { type Bar, layoutTimeline, TIMELINE_GEOMETRY } from "./page/timeline-layout.js";
import { type RunningViewer, startViewer } from "./serve.js";

if (!hasChromium)
  console.warn(`Skipping the viewer browser tests: ${CHROMIUM} is missing (apt-get install chromium).`);

let browser: Browser | undefined;
let viewer: RunningViewer | undefined;
let tracePath = "";
let pageDirectory = "";

describe.skipIf(!hasChromium)("viewer page in chromium", () => {
  beforeAll(async () => {
    const [compiled, trace] = await Promise.all([compilePage(), writeTrajectory()]);
    pageDirectory = compiled;
    tracePath = trace;
    viewer = await startViewer({ tracePath, files: { pageDirectory } });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
  });

  /** Errors the page reported (script errors, console errors, failed requests), checked on close. */
  const problems = new Map<Page, string[]>();

  async function openPage(url = viewer!.url): Promise<Page> {
    const page = await browser!.newPage();
    const seen: string[] = [];
    problems.set(page, seen);
    page.on("pageerror", (error) => seen.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") seen.push(message.text());
    });
    page.on("response", (response) => {
      if (response.status() >= 400) seen.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(url);
    return page;
  }

  async function closePage(page: Page): Promise<void> {
    await page.close();
    expect(problems.get(page)).toEqual([]);
  }

  it("shows the query, an iteration's code and stdout, a nested child call and the final answer", async () => {
    const page = await openPage();
    await expect.poll(() => page.locator(".query pre").textContent()).toBe(QUERY);
    await expect(page.locator(".metadata").textContent()).resolves.toContain("#root");

    const firstIteration = page.locator("details.iteration").first();
    const block = firstIteration.locator(".code-block").first();
    expect(await block.locator(".text-block.code pre").textContent()).toBe(`${ROOT_CODE}\n`);
    expect(await block.locator(".stdout pre").textContent()).toBe(
      `${CONTEXT.length}\nchild said ${CHILD_ANSWER}\n`,
    );
    const failing = firstIteration.locator(".code-block").nth(1);
    expect(await failing.locator(".error pre").textContent()).toContain("NameError");
    // A long output shows its start, and all of it on request.
    expect(await failing.locator(".stdout pre").textContent()).toBe(CONTEXT.slice(0, 5000));
    await failing.locator(".stdout button.show-all").click();
    expect(await failing.locator(".stdout pre").textContent()).toBe(`${CONTEXT}\n`);

    // Sub-calls start collapsed; the child RLM's iterations nest inside its rlm_query.
    const subCall = block.locator("details.sub-call").first();
    expect(await subCall.locator(".sub-response").count()).toBe(0);
    await subCall.locator("summary").first().click();
    expect(await subCall.locator(".sub-response pre").textContent()).toBe(CHILD_ANSWER);
    const childIteration = subCall.locator(".child-run details.iteration").first();
    await childIteration.locator("summary").first().click();
    expect(await childIteration.locator(".code-block .text-block.code pre").first().textContent()).toBe(
      `${CHILD_CODE}\n`,
    );
    await expect(childIteration.locator("summary").first().textContent()).resolves.toContain("depth 1");

    expect(await page.locator(".result .answer pre").textContent()).toBe(FINAL_ANSWER);
    const result = await page.locator(".result").textContent();
    expect(result).toContain("answer");
    expect(await page.locator(".result table.usage tbody tr").count()).toBe(3);
    await closePage(page);
  });

  it("shows markup in model output as text and runs none of it", async () => {
    const page = await openPage();
    await page.locator(".query pre").waitFor();
    await page.click("#expand-all");
    expect(await page.locator(".reply").first().textContent()).toContain(SCRIPT_IN_REPLY);
    expect(await page.locator(".sub-call .sub-call .sub-response pre").first().textContent()).toContain(
      IMAGE_IN_SUB_REPLY,
    );
    expect(await page.locator(".result .answer pre b").count()).toBe(0);
    expect(await page.locator("#trajectory script, #trajectory img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await closePage(page);
  });

  it("loads a picked file and a dropped file", async () => {
    const page = await openPage(viewer!.url.replace(/\?.*$/, ""));
    const text = readFileSync(tracePath, "utf8");
    await page.setInputFiles("#file-input", {
      name: "picked.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(text),
    });
    await expect.poll(() => page.locator(".query pre").textContent()).toBe(QUERY);
    await expect(page.locator("#status").textContent()).resolves.toContain("picked.jsonl");

    await page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], "dropped.jsonl"));
      document.dispatchEvent(
        new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, text);
    await expect.poll(() => page.locator("#status").textContent()).toContain("dropped.jsonl");
    expect(await page.locator(".result .answer pre").textContent()).toBe(FINAL_ANSWER);
    await closePage(page);
  });

  it("follows a run being written: new lines appear in place and open sections stay open", async () => {
    const lines = readFileSync(tracePath, "utf8").split("\n");
    const growing = join(mkdtempSync(join(tmpdir(), "rlm-viewer-follow-")), "growing.jsonl");
    // Up to the first iteration (the replies recorded before it included).
    const firstIteration = lines.findIndex((line) => line.startsWith('{"type":"iteration"'));
    writeFileSync(growing, `${lines.slice(0, firstIteration + 1).join("\n")}\n`);
    const follower = await startViewer({ tracePath: growing, files: { pageDirectory } });
    try {
      const page = await openPage(follower.url);
      await expect.poll(() => page.locator(".unfinished").textContent()).toContain("did not finish");
      const subCall = page.locator("details.sub-call").first();
      await subCall.locator("summary").first().click();
      expect(await subCall.getAttribute("open")).toBe("");

      appendFileSync(growing, lines.slice(firstIteration + 1).join("\n"));
      await expect
        .poll(() => page.locator(".result .answer pre").textContent(), { timeout: 20_000 })
        .toBe(FINAL_ANSWER);
      expect(await page.locator("h3.iteration-count").textContent()).toBe("Iterations (2)");
      expect(await page.locator(".unfinished").count()).toBe(0);
      expect(await subCall.getAttribute("open")).toBe("");
      await closePage(page);
    } finally {
      await follower.close();
    }
  });

  it("says what the server answered when ?trace= points nowhere", async () => {
    const page = await openPage(viewer!.url.replace("trace.jsonl", "missing.jsonl"));
    await expect.poll(() => page.locator(".load-error").textContent()).toContain("The server answered 404");
    // The 404 is the point here, not a problem of the page.
    const seen = problems.get(page)!;
    seen.splice(0, seen.length, ...seen.filter((problem) => !problem.includes("404")));
    await closePage(page);
  });

  it("names the bad line of a broken file, and marks a run cut off mid-write", async () => {
    const page = await openPage(viewer!.url.replace(/\?.*$/, ""));
    const lines = readFileSync(tracePath, "utf8").split("\n");
    const broken = [lines[0], "{not json", ...lines.slice(1)].join("\n");
    await page.setInputFiles("#file-input", {
      name: "broken.jsonl",
      mimeType: "text/plain",
      buffer: Buffer.from(broken),
    });
    await expect
      .poll(() => page.locator(".load-error").textContent())
      .toContain("Line 2 of broken.jsonl is not valid JSON");
    await expect(page.locator(".load-error .hint").textContent()).resolves.toContain("another program");

    // The metadata and first iteration, then half of the next line: a run still being written.
    const firstIteration = lines.findIndex((line) => line.startsWith('{"type":"iteration"'));
    const partial = `${lines.slice(0, firstIteration + 1).join("\n")}\n${lines[firstIteration + 1]?.slice(0, 50)}`;
    await page.setInputFiles("#file-input", {
      name: basename("partial.jsonl"),
      mimeType: "text/plain",
      buffer: Buffer.from(partial),
    });
    await expect.poll(() => page.locator(".warning").textContent()).toContain("cut off");
    expect(await page.locator(".unfinished").textContent()).toContain("did not finish");
    expect(await page.locator("details.iteration").count()).toBeGreaterThan(0);
    await closePage(page);
  });

  /** Where a bar of the timeline is on the page (computed from the same layout as the page's). */
  async function barPoint(page: Page, bar: Bar, duration: number): Promise<{ x: number; y: number }> {
    const box = (await page.locator(".timeline-canvas").boundingBox())!;
    const { GUTTER, AXIS, ROW } = TIMELINE_GEOMETRY;
    const scale = (box.width - GUTTER) / duration;
    return {
      x: box.x + GUTTER + ((bar.start + bar.end) / 2) * scale,
      y: box.y + AXIS + bar.lane * ROW + ROW / 2,
    };
  }

  it("shows the overview first, then a timeline whose bars describe themselves and open on click", async () => {
    const page = await openPage();
    await expect.poll(() => page.locator(".result .answer pre").textContent()).toBe(FINAL_ANSWER);
    // The overview comes before the timeline, the metadata and the iterations.
    const order = await page.evaluate(() =>
      [".result", ".timeline", ".metadata", ".iterations"].map(
        (selector) => document.querySelector(selector)?.getBoundingClientRect().top ?? -1,
      ),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await expect(page.locator(".result").textContent()).resolves.toContain("Wall time");

    const layout = layoutTimeline(parseTrajectoryText(readFileSync(tracePath, "utf8"), "t").runs[0]!);
    const subCall = layout.lanes
      .slice(2)
      .flat()
      .find((bar) => bar.target.iteration === 0)!;
    expect(subCall).toBeDefined();
    const point = await barPoint(page, subCall, layout.duration);
    await page.mouse.move(point.x, point.y);
    await expect.poll(() => page.locator(".timeline-tip").isVisible()).toBe(true);
    expect(await page.locator(".timeline-tip").textContent()).toContain(subCall.label);
    await page.mouse.click(point.x, point.y);
    const opened = page.locator(
      `details.iteration[data-iter="0"] details.sub-call[data-call="${subCall.target.call}"]`,
    );
    await expect.poll(() => opened.first().getAttribute("open")).toBe("");
    await expect(opened.first().locator(".sub-prompt pre").textContent()).resolves.toBe(
      subCall.subCall!.prompt,
    );
    await closePage(page);
  });

  it("opens and scrolls a 10,000 sub-call fan-out at concurrency 32 quickly (figures printed)", async () => {
    const path = writeFanOutTrajectory(join(mkdtempSync(join(tmpdir(), "rlm-viewer-big-")), "big.jsonl"), {
      calls: 10_000,
      concurrency: 32,
    });
    const big = await startViewer({ tracePath: path, files: { pageDirectory } });
    try {
      const page = await openPage("about:blank");
      const timings = await measureViewer(page, big.url);
      console.log(
        `viewer, 10,000 sub-calls: open ${timings.openMs} ms, timeline scroll ${timings.scrollSteps} steps ${Math.round(timings.scrollMs)} ms, page scroll ${Math.round(timings.pageScrollMs)} ms, ${timings.lanes} lanes`,
      );
      expect(timings.lanes).toBe(32);
      // Generous bounds for a shared 2-core machine; the figures are what matter (bench/viewer).
      expect(timings.openMs).toBeLessThan(20_000);
      expect(timings.scrollMs / timings.scrollSteps).toBeLessThan(250);
      // A call far past the first shown ones opens from its bar.
      await page.evaluate(() => {
        document.querySelector(".timeline-scroll")!.scrollTop = 0;
        scrollTo(0, 0);
      });
      const layout = layoutTimeline(parseTrajectoryText(readFileSync(path, "utf8"), "t").runs[0]!);
      const late = layout.lanes[2]!.filter((bar) => bar.target.block === 0).at(-1)!;
      expect(late.target.call).toBeGreaterThan(9000);
      await page.waitForTimeout(100);
      const point = await barPoint(page, late, layout.duration);
      await page.mouse.click(point.x, point.y);
      const opened = page.locator(`details.sub-call[data-call="${late.target.call}"]`);
      await expect.poll(() => opened.getAttribute("open")).toBe("");
      await closePage(page);
    } finally {
      await big.close();
    }
  }, 120_000);

  it("navigates: a sidebar with markers and child runs, j/k and Enter, / to search, deep links", async () => {
    const page = await openPage();
    await page.locator(".result .answer pre").waitFor();
    const items = page.locator("#sidebar .nav-item[data-iter]");
    expect(await items.count()).toBe(2);
    // The first iteration has a failing block; the last gave the answer; a child RLM hangs under the first.
    await expect(items.nth(0).locator(".marker.error").count()).resolves.toBe(1);
    await expect(items.nth(1).locator(".marker.final").count()).resolves.toBe(1);
    await expect(page.locator("#sidebar .nav-child").first().textContent()).resolves.toContain("child RLM");

    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("j");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#iter=1");
    await page.keyboard.press("j");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#iter=2");
    await expect(page.locator("#sidebar .nav-item.current").textContent()).resolves.toContain("Iteration 2");
    await page.keyboard.press("k");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#iter=1");
    const first = page.locator('details.iteration[data-iter="0"]');
    expect(await first.getAttribute("open")).toBe("");
    await page.locator("#sidebar").click({ position: { x: 2, y: 2 } });
    await page.keyboard.press("Enter");
    await expect.poll(() => first.getAttribute("open")).toBeNull();
    await page.keyboard.press("Enter");
    await expect.poll(() => first.getAttribute("open")).toBe("");

    // "/" searches prompts, code and outputs, sub-calls included.
    await page.keyboard.press("/");
    await page.keyboard.type("missing_name");
    await expect.poll(() => page.locator(".search-hit").count()).toBeGreaterThan(0);
    const inCode = page.locator(".search-hit", { hasText: "block 2 code" });
    expect(await inCode.count()).toBe(1);
    await inCode.click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#iter=1");
    await page.locator("#search").focus();
    await page.keyboard.type("xyz-nowhere");
    await expect.poll(() => page.locator(".hit-count").textContent()).toBe("No match.");
    await closePage(page);

    // A deep link opens the sub-call it names.
    const linked = await openPage(`${viewer!.url}#iter=1&call=1`);
    const call = linked.locator('details.iteration[data-iter="0"] details.sub-call[data-call="0"]');
    await expect.poll(() => call.first().getAttribute("open")).toBe("");
    await closePage(linked);
  });

  it("highlights Python, folds long outputs with their length, marks failed turns, shows the system prompt and conversation", async () => {
    const page = await openPage();
    await page.locator(".result .answer pre").waitFor();
    const code = page
      .locator('details.iteration[data-iter="0"] .code-block')
      .first()
      .locator(".text-block.code pre");
    expect(await code.textContent()).toBe(`${ROOT_CODE}\n`);
    expect(await code.locator(".tok-builtin", { hasText: "rlm_query" }).count()).toBe(1);
    expect(await code.locator(".tok-string").count()).toBeGreaterThan(0);
    const failing = page.locator('details.iteration[data-iter="0"] .code-block').nth(1);
    await expect(failing.locator(".stdout .label").textContent()).resolves.toContain(
      `${(CONTEXT.length + 1).toLocaleString("en-US")} characters, the first 5,000 shown`,
    );
    await expect(
      page.locator('details.iteration[data-iter="0"] > summary .badge.error').count(),
    ).resolves.toBe(1);

    const system = page.locator("details.system-prompt");
    await expect(system.locator("summary").textContent()).resolves.toMatch(
      /System prompt \([\d,]+ characters\)/,
    );
    await system.locator("summary").click();
    await expect(system.locator(".text-block.system pre").textContent()).resolves.toContain("llm_query");
    const conversation = page.locator("details.conversation");
    await conversation.locator("summary").click();
    const roles = await conversation.locator(".text-block > .label").allTextContents();
    expect(roles[0]).toBe("system");
    expect(roles).toContain("assistant");
    expect(roles.filter((role) => role === "assistant")).toHaveLength(2);
    await closePage(page);
  });

  it("skips lines of unknown types with a warning, and shows what a log does not give as unknown", async () => {
    const page = await openPage(viewer!.url.replace(/\?.*$/, ""));
    const log = [
      { type: "metadata", timestamp: "2025-01-01T00:00:00", root_model: "gpt-5", max_depth: 1 },
      { type: "run_context", environment: "local" },
      { type: "iteration", iteration: 1, prompt: "q", response: "no code here", iteration_time: null },
      { type: "iteration", iteration: 2, prompt: "q", response: "FINAL(x)", final_answer: "x" },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    await page.setInputFiles("#file-input", {
      name: "official.jsonl",
      mimeType: "text/plain",
      buffer: Buffer.from(log),
    });
    await expect
      .poll(() => page.locator(".warning").textContent())
      .toContain('Line 2 was skipped: unknown type "run_context".');
    const summary = page.locator('details.iteration[data-iter="0"] > summary');
    await expect(summary.textContent()).resolves.toContain("unknown time");
    await expect(summary.textContent()).resolves.toContain("tokens unknown");
    await expect(summary.locator(".badge.note").textContent()).resolves.toBe("no code");
    await expect(page.locator(".metadata").textContent()).resolves.toContain("unknown characters");
    await closePage(page);
  });
});
