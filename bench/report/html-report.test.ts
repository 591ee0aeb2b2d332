/**
 * The HTML bench report: one chart per task of score against context size (RLM and direct
 * baseline), cost and time per task, fan-out against its bound; SIMULATED on every chart of a
 * simulated run; no script, nothing fetched, every text escaped; and `--from` reads saved results.
 */

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../runner/cli.js";
import { BENCH_FORMAT, type BenchReport, type QuestionResult } from "../runner/types.js";
import { renderHtmlReport, type SystemReport } from "./html-report.js";
import { readSavedResults, writeHtmlReport } from "./write-report.js";

function result(task: string, chars: number, score: number, directScore: number): QuestionResult {
  return {
    task,
    requestedChars: chars,
    chars,
    seed: 1,
    questionId: `${task}-0`,
    query: "q",
    expected: { kind: "contains", value: "x" },
    rlm: {
      answer: "x",
      score,
      stopReason: "answer",
      iterations: 2,
      subCalls: 4,
      depth: 1,
      elapsedMs: 2000,
      rootTokens: 100,
      subTokens: 50,
      costUsd: 0.01,
      usage: {},
      trajectory: [],
    },
    direct: {
      answer: "y",
      score: directScore,
      elapsedMs: 500,
      promptTokens: 1000,
      completionTokens: 5,
      costUsd: 0.02,
      contextChars: chars,
      truncated: false,
    },
  };
}

function benchReport(simulated: boolean): BenchReport {
  return {
    format: BENCH_FORMAT,
    simulated,
    startedAt: "2026-01-01T00:00:00.000Z",
    machine: { cpus: 2, cpuModel: "cpu", node: "v20", platform: "linux", memoryGb: 8 },
    settings: {
      model: "m<script>",
      subModel: "s",
      tasks: ["niah", "<b>odd</b>"],
      sizes: [45_000, 1_000_000],
      seed: 1,
      samples: 1,
      maxDepth: 1,
      concurrency: 8,
      maxIterations: 8,
      runtime: "pyodide",
    },
    results: [
      result("niah", 45_000, 1, 1),
      result("niah", 1_000_000, 1, 0.25),
      result("<b>odd</b>", 45_000, 0.5, 0),
    ],
  };
}

const SYSTEM: SystemReport = {
  format: "rlm-system-bench/1",
  simulated: true,
  results: {
    fanOut: {
      calls: 1000,
      concurrency: 32,
      latencyMs: 50,
      idealMs: 1600,
      serverWallMs: 1690,
      ratio: 1.056,
      maxInFlight: 32,
      errors: 0,
      steadyRuns: 3,
      runs: [1.05],
      coldRatio: 1.06,
      poolOnlyRatio: 1.05,
      bareAgentRatio: 1.03,
    },
  },
};

describe("renderHtmlReport", () => {
  it("draws score by size per task, cost and time per task, fan-out against the bound", () => {
    const html = renderHtmlReport({ tasks: benchReport(false), system: SYSTEM });
    const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    // niah, <b>odd</b>, cost, time, fan-out.
    expect(charts).toHaveLength(5);
    expect(charts[0]).toContain("niah: score by context size");
    expect(charts[0]?.match(/<polyline class="series"/g)).toHaveLength(2);
    expect(charts[0]).toContain("direct call: 1M chars, 0.250");
    expect(charts[2]).toContain("Cost per question");
    expect(charts[3]).toContain("niah, direct call: 0.50 s");
    expect(charts[4]).toContain('class="bound"');
    expect(charts[4]).toContain("REPL, wall / bound: 1.056");
    // Only the fan-out's backend was simulated here.
    expect(charts.slice(0, 4).join("")).not.toContain("SIMULATED");
    expect(charts[4]).toContain("SIMULATED BACKEND");
  });

  it("stamps SIMULATED on every chart of a simulated run", () => {
    const html = renderHtmlReport({ tasks: benchReport(true) });
    const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(charts).toHaveLength(4);
    for (const chart of charts) expect(chart).toMatch(/<text class="stamp"[^>]*>SIMULATED<\/text>/);
    expect(html).toContain("Not measured in these results");
  });

  it("has no script, loads nothing, and escapes every text", () => {
    const html = renderHtmlReport({ tasks: benchReport(true), system: SYSTEM });
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain("<b>odd</b>");
    expect(html).toContain("&#60;b&#62;odd&#60;/b&#62;");
    expect(html).not.toContain("m<script>");
  });

  it("is drawn again from saved results with --from, told apart by their format", () => {
    const folder = mkdtempSync(join(tmpdir(), "bench-report-"));
    const tasks = join(folder, "bench.json");
    const system = join(folder, "system.json");
    writeFileSync(tasks, JSON.stringify(benchReport(true)));
    writeFileSync(system, JSON.stringify(SYSTEM));
    const { settings } = parseCommand(["--report", join(folder, "r.html"), "--from", `${tasks},${system}`]);
    expect(settings.from).toEqual([tasks, system]);
    writeHtmlReport(settings.report!, readSavedResults(settings.from!));
    expect(readFileSync(join(folder, "r.html"), "utf8")).toBe(
      renderHtmlReport({ tasks: benchReport(true), system: SYSTEM }),
    );
    writeFileSync(join(folder, "other.json"), '{"format":"other/1"}');
    expect(() => readSavedResults([join(folder, "other.json")])).toThrow(/is not a bench result/);
  });
});
