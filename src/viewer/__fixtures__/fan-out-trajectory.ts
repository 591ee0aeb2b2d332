/**
 * A generated trajectory of a wide fan-out: a root turn that plans, one code block making `calls`
 * `llm_query` sub-calls at `concurrency` (times drawn from a fixed seed), an `rlm_query` child, and
 * a final turn. Used by the browser tests (10,000 sub-calls must open and scroll quickly) and by
 * `bench/viewer/main.ts`, which measures the same thing.
 */

import { writeFileSync } from "node:fs";
import type { Page } from "playwright-core";

export interface FanOutOptions {
  calls: number;
  concurrency: number;
  /** Calls that failed, every `errorEvery`-th one. */
  errorEvery?: number;
}

export function fanOutTrajectory({ calls, concurrency, errorEvery = 97 }: FanOutOptions): string {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const subCalls = Array.from({ length: calls }, (_, index) => ({
    kind: "llm",
    model: "ollama:small",
    prompt: `Summarize chunk ${index} of the report: <b>not markup</b>`,
    response: `Chunk ${index}: nothing about the budget.`,
    ...(index % errorEvery === errorEvery - 1 ? { error: "TimeoutError: the model did not answer" } : {}),
    execution_time: 0.2 + random() * 0.8,
    usage: { promptTokens: 900, completionTokens: 40 },
  }));
  const child = {
    kind: "rlm",
    model: "ollama:big",
    prompt: "Check the totals",
    response: "totals ok",
    execution_time: 3.5,
    usage: { promptTokens: 2000, completionTokens: 100 },
    children: [
      {
        type: "iteration",
        iteration: 1,
        depth: 1,
        prompt: [{ role: "user", content: "Check the totals" }],
        response: '```repl\nFINAL("totals ok")\n```',
        code_blocks: [],
        final_answer: "totals ok",
        iteration_time: 3.5,
        usage: { promptTokens: 2000, completionTokens: 100 },
      },
    ],
  };
  const fanOutTime = subCalls.reduce((sum, call) => sum + call.execution_time, 0) / concurrency;
  const started = Date.parse("2026-01-01T10:00:00.000Z");
  const firstTurn = 2.1;
  const firstEnd = firstTurn + fanOutTime + child.execution_time;
  const lines = [
    {
      type: "metadata",
      format: "rlm-trajectory/1",
      run_id: "fan-out",
      started_at: new Date(started).toISOString(),
      query: `Which of the ${calls} chunks mention the budget?`,
      root_model: "ollama:big",
      sub_model: "ollama:small",
      max_depth: 2,
      depth: 0,
      context: { type: "list", total_chars: calls * 4000, parts: calls },
      limits: { maxIterations: 10 },
    },
    {
      type: "iteration",
      iteration: 1,
      timestamp: new Date(started + firstEnd * 1000).toISOString(),
      depth: 0,
      prompt: [{ role: "user", content: "Which chunks mention the budget?" }],
      response:
        "```repl\nanswers = llm_query_batched([f'Summarize chunk {i}' for i in range(len(context))])\n```\n```repl\ncheck = rlm_query('Check the totals')\n```",
      code_blocks: [
        {
          code: "answers = llm_query_batched([f'Summarize chunk {i}' for i in range(len(context))])",
          result: { stdout: "", stderr: "", locals: {}, execution_time: fanOutTime, rlm_calls: subCalls },
        },
        {
          code: "check = rlm_query('Check the totals')",
          result: {
            stdout: "",
            stderr: "",
            locals: {},
            execution_time: child.execution_time,
            rlm_calls: [child],
          },
        },
      ],
      iteration_time: firstEnd,
      usage: { promptTokens: 5000, completionTokens: 200 },
    },
    {
      type: "iteration",
      iteration: 2,
      timestamp: new Date(started + (firstEnd + 1.5) * 1000).toISOString(),
      depth: 0,
      prompt: [{ role: "user", content: "Output of the code..." }],
      response: 'FINAL("none of them")',
      code_blocks: [],
      final_answer: "none of them",
      iteration_time: 1.5,
      usage: { promptTokens: 6000, completionTokens: 30 },
    },
    {
      type: "result",
      answer: "none of them",
      stop_reason: "answer",
      iterations: 2,
      sub_calls: calls + 1,
      depth_reached: 1,
      elapsed_ms: Math.round((firstEnd + 1.5) * 1000),
      usage: {
        "ollama:big": { calls: 3, promptTokens: 13000, completionTokens: 330, costUsd: 0 },
        "ollama:small": { calls, promptTokens: calls * 900, completionTokens: calls * 40, costUsd: 0 },
      },
    },
  ];
  return `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
}

export function writeFanOutTrajectory(path: string, options: FanOutOptions): string {
  writeFileSync(path, fanOutTrajectory(options));
  return path;
}

export interface ViewerTimings {
  /** From navigation to the timeline drawn and the overview shown. */
  openMs: number;
  /** Scrolling the timeline's lanes from top to bottom in `scrollSteps` steps, each drawn. */
  scrollMs: number;
  scrollSteps: number;
  /** Scrolling the page from top to bottom in `scrollSteps` steps. */
  pageScrollMs: number;
  lanes: number;
}

/** Opens `url` in `page` and measures how long the viewer takes to show it and to scroll. */
export async function measureViewer(page: Page, url: string, scrollSteps = 40): Promise<ViewerTimings> {
  const began = Date.now();
  await page.goto(url);
  await page.locator(".timeline-caption").waitFor();
  await page.locator(".result .answer pre").waitFor();
  // Two frames: the first layout and paint are done.
  await page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
  const openMs = Date.now() - began;
  // A string, not a function: tsx (the bench) would wrap a function's inner names in a helper
  // the page does not have.
  const measured = (await page.evaluate(`(async (steps) => {
    const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const scroller = document.querySelector(".timeline-scroll");
    const start = performance.now();
    for (let step = 1; step <= steps; step++) {
      scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight) * step) / steps;
      await frame();
    }
    const scrollMs = performance.now() - start;
    const pageStart = performance.now();
    const height = document.documentElement.scrollHeight - innerHeight;
    for (let step = 1; step <= steps; step++) {
      scrollTo(0, (height * step) / steps);
      await frame();
    }
    return { scrollMs, pageScrollMs: performance.now() - pageStart };
  })(${scrollSteps})`)) as { scrollMs: number; pageScrollMs: number };
  const caption = (await page.locator(".timeline-caption").textContent()) ?? "";
  const lanes = Number(/([\d,]+) sub-call lanes? deep/.exec(caption)?.[1]?.replace(/,/g, "") ?? "0");
  return { openMs, scrollSteps, lanes, ...measured };
}
