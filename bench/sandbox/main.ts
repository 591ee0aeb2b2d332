/**
 * Sandbox bench: cold start, warm exec round trip, bridge overhead per llm_query, a batched fan-out
 * of 100 prompts at concurrency 16 against a 50 ms host callback, context loads of 1/10/100 MB and
 * peak RSS, as medians (with min and max) over several runs, beside the targets of issue 2.
 *
 *   node --import tsx bench/sandbox/main.ts [--runtime NAME] [--runs 5]
 *
 * NAME is any runtime in src/sandbox/runtimes.ts (pyodide by default; `memory` measures the core alone).
 */
import { availableParallelism, loadavg } from "node:os";
import { createSandbox } from "../../src/sandbox/index.js";
import { runtimeEntry, SANDBOX_RUNTIMES, type SandboxRuntimeName } from "../../src/sandbox/runtimes.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";
import { argument, median } from "../runner/command-line.js";
import { formatNumber, renderTable } from "../runner/table.js";
import { watchPeak } from "../system/process-memory.js";
import {
  batchedFanOut,
  bridgeOverhead,
  coldStart,
  contextLoad,
  cpuSamples,
  execRoundTrip,
  spareStart,
} from "./measure.js";

interface Row {
  label: string;
  samples: number[];
  unit: "ms" | "µs";
  target: string;
  /** CPU ms per sample, where measured. */
  cpu: number[];
}

function show(value: number, unit: Row["unit"]): string {
  const scaled = unit === "µs" ? value * 1000 : value;
  return formatNumber(scaled, scaled < 10 ? 2 : 0);
}

async function main(): Promise<void> {
  // The whole tree: the pyodide runtime's workers live in a process of their own.
  const peak = watchPeak(process.pid, 50);
  const name = argument("runtime", "pyodide");
  if (!runtimeEntry(name)) {
    console.error(
      `--runtime ${name}: no such sandbox runtime (one of ${Object.keys(SANDBOX_RUNTIMES).join(", ")})`,
    );
    process.exit(2);
  }
  const runtime = name as SandboxRuntimeName;
  const runs = Math.max(1, Number(argument("runs", "5")));
  const create = (options: SandboxOptions) => createSandbox({ ...options, runtime });
  const rows: Row[] = [];
  const add = (label: string, samples: number[], unit: Row["unit"], target: string) => {
    rows.push({ label, samples, unit, target, cpu: cpuSamples.splice(0) });
    console.error(`  ${label}: median ${show(median(samples), unit)} ${unit}`);
  };

  console.error(`sandbox bench (${runtime}), ${runs} runs each, load average ${loadavg()[0]?.toFixed(1)}`);
  add("cold start (create + first exec)", await coldStart(create, runs), "ms", "<= 1500 ms");
  if (runtime === "pyodide") {
    add("start with the spare worker ready", await spareStart(create, runs, 4_000), "ms", "");
  }
  const sandbox = await create({ onQuery: async () => "ok" });
  try {
    add("warm exec round trip (`pass`)", await execRoundTrip(sandbox, runs * 40), "ms", "<= 5 ms");
    add("bridge overhead per llm_query", await bridgeOverhead(sandbox, runs), "µs", "<= 1000 µs");
  } finally {
    await sandbox.close();
  }
  add(
    "llm_query_batched 100 x 50 ms, C=16",
    await batchedFanOut(create, runs, 100, 16, 50),
    "ms",
    "<= 385 ms",
  );
  const loader = await create({ timeoutMs: 120_000 });
  try {
    for (const megabytes of [1, 10, 100]) {
      const target = megabytes === 100 ? "<= 2000 ms" : "";
      add(
        `context load ${megabytes} MB`,
        await contextLoad(loader, megabytes, Math.min(runs, 3)),
        "ms",
        target,
      );
    }
  } finally {
    await loader.close();
  }
  const peakMb = Math.max(peak.stop(), process.resourceUsage().maxRSS * 1024) / 1024 / 1024;

  const header = ["measure", "median", "min", "max", "unit", "target", "CPU ms (median)"];
  const body = rows.map(({ label, samples, unit, target, cpu }) => [
    label,
    show(median(samples), unit),
    show(Math.min(...samples), unit),
    show(Math.max(...samples), unit),
    unit,
    target,
    cpu.length > 0 ? formatNumber(median(cpu)) : "",
  ]);
  body.push(["peak RSS (the process tree)", formatNumber(peakMb), "", "", "MB", "", ""]);
  const title = `Sandbox bench: ${runtime}, ${runs} runs, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
  console.log(renderTable(title, header, body));
}

await main();
