/**
 * `npm run bench -- --report report.html`: the bench results as one offline page of charts. Score
 * against context size per task, the RLM beside the direct baseline (the shape of the paper's
 * headline figure); cost and wall time per task; and, from a system run (`--system`), the fan-out's
 * wall time over its bound ceil(N/C)·L. Results from simulated models carry SIMULATED on every
 * chart. The page has no script and loads nothing (its CSP says so); every text is escaped.
 */

import type { BenchReport, QuestionResult } from "../runner/types.js";
import { SIMULATION_NOTE } from "../runner/types.js";
import type { FanOutResult } from "../system/fan-out.js";
import { barChart, escapeXml, lineChart } from "./svg-charts.js";

/** The saved system run (`rlm-system-bench/1`), as far as the report reads it. */
export interface SystemReport {
  format: "rlm-system-bench/1";
  simulated: boolean;
  results: { fanOut?: FanOutResult };
}

const RLM_COLOR = "#2457a6";
const DIRECT_COLOR = "#c77d12";

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function byTask(results: QuestionResult[]): Map<string, QuestionResult[]> {
  const tasks = new Map<string, QuestionResult[]>();
  for (const result of results) tasks.set(result.task, [...(tasks.get(result.task) ?? []), result]);
  return tasks;
}

/** Mean score per context size: the RLM's and, when it ran, the direct call's. */
function scoreCharts(report: BenchReport, stamp: string): string[] {
  return [...byTask(report.results)].map(([task, results]) => {
    const sizes = [...new Set(results.map((result) => result.chars))].sort((a, b) => a - b);
    const at = (pick: (result: QuestionResult) => number | undefined) =>
      sizes.flatMap((size) => {
        const scores = results
          .filter((result) => result.chars === size)
          .flatMap((result) => (pick(result) === undefined ? [] : [pick(result)!]));
        return scores.length === 0 ? [] : [{ x: size, y: mean(scores) }];
      });
    const direct = at((result) => result.direct?.score);
    return lineChart(
      {
        title: `${task}: score by context size`,
        xLabel: "context (characters, log scale)",
        yLabel: "score",
        stamp,
      },
      [
        { name: "RLM", color: RLM_COLOR, points: at((result) => result.rlm.score) },
        ...(direct.length > 0 ? [{ name: "direct call", color: DIRECT_COLOR, points: direct }] : []),
      ],
    );
  });
}

/** Mean cost and wall time per question, per task. */
function costAndTimeCharts(report: BenchReport, stamp: string): string[] {
  const tasks = [...byTask(report.results)];
  const withDirect = report.results.some((result) => result.direct !== undefined);
  const groups = (
    rlm: (result: QuestionResult) => number,
    direct: (result: QuestionResult) => number | undefined,
  ) =>
    tasks.map(([task, results]) => ({
      label: task,
      values: [
        { name: "RLM", color: RLM_COLOR, value: mean(results.map(rlm)) },
        ...(withDirect
          ? [
              {
                name: "direct call",
                color: DIRECT_COLOR,
                value: mean(
                  results.flatMap((result) => (direct(result) === undefined ? [] : [direct(result)!])),
                ),
              },
            ]
          : []),
      ],
    }));
  return [
    barChart(
      { title: "Cost per question", xLabel: "task", yLabel: "US$", stamp },
      groups(
        (result) => result.rlm.costUsd,
        (result) => result.direct?.costUsd,
      ),
      (value) => `$${value.toFixed(4)}`,
    ),
    barChart(
      { title: "Wall time per question", xLabel: "task", yLabel: "seconds", stamp },
      groups(
        (result) => result.rlm.elapsedMs / 1000,
        (result) => (result.direct ? result.direct.elapsedMs / 1000 : undefined),
      ),
      (value) => `${value.toFixed(2)} s`,
    ),
  ];
}

/** The fan-out's wall time over its bound, by path (through the REPL, the pool alone, bare HTTP). */
function fanOutChart(system: SystemReport): string | undefined {
  const fanOut = system.results.fanOut;
  if (!fanOut) return undefined;
  const bar = (label: string, value: number) => ({
    label,
    values: [{ name: "wall / bound", color: RLM_COLOR, value }],
  });
  return barChart(
    {
      title: `Fan-out: ${fanOut.calls} calls, C=${fanOut.concurrency}, L=${fanOut.latencyMs} ms`,
      xLabel: "path",
      yLabel: "wall time / ceil(N/C)·L",
      stamp: system.simulated ? "SIMULATED BACKEND" : "",
    },
    [
      bar("REPL", fanOut.ratio),
      bar("REPL cold", fanOut.coldRatio),
      bar("pool only", fanOut.poolOnlyRatio),
      bar("bare HTTP", fanOut.bareAgentRatio),
    ],
    (value) => value.toFixed(3),
    { value: 1, label: `bound ${fanOut.idealMs} ms = 1.0` },
  );
}

export function renderHtmlReport(inputs: { tasks?: BenchReport; system?: SystemReport }): string {
  const { tasks, system } = inputs;
  const stamp = tasks?.simulated ? "SIMULATED" : "";
  const sections: string[] = [];
  if (tasks) {
    const models = [tasks.settings.model, tasks.settings.subModel, tasks.settings.directModel].filter(
      Boolean,
    );
    sections.push(
      `<p class="meta">${escapeXml(`Started ${tasks.startedAt} · ${tasks.machine.cpus} CPUs (${tasks.machine.cpuModel}) · node ${tasks.machine.node} · models ${models.join(", ")} · seed ${tasks.settings.seed}, ${tasks.settings.samples} sample(s)`)}</p>`,
      tasks.simulated ? `<p class="simulated">${escapeXml(SIMULATION_NOTE)}</p>` : "",
      `<h2>Score against context size</h2><div class="charts">${scoreCharts(tasks, stamp).join("")}</div>`,
      `<h2>Cost and time per task</h2><div class="charts">${costAndTimeCharts(tasks, stamp).join("")}</div>`,
    );
  }
  const fanOut = system ? fanOutChart(system) : undefined;
  sections.push(
    `<h2>Fan-out efficiency against the bound</h2>`,
    fanOut
      ? `<div class="charts">${fanOut}</div><p class="meta">1.0 is the physical bound: N calls at concurrency C against a backend of latency L cannot take less than ceil(N/C)·L. The target is 1.10 or less.${system?.simulated ? " The backend is a simulated server with a fixed latency." : ""}</p>`
      : `<p class="meta">Not measured in these results: run <code>npm run bench -- --system</code> (it saves runs/system-*.json) and add that file with <code>--from</code>.</p>`,
  );
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing to run and nothing to fetch: the charts are inline SVG.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    "<title>rlm bench report</title>",
    "<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2228}h2{font-size:1.1rem;margin-top:1.5rem}.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{border:1px solid #d8dde3;background:#fff}.meta{color:#68707a}.simulated{color:#b3261e;font-weight:600}</style>",
    "</head><body>",
    `<h1>rlm bench report${stamp ? " (SIMULATED models)" : ""}</h1>`,
    ...sections,
    "</body></html>",
    "",
  ].join("\n");
}
