/**
 * Command-line options of `npm run bench`, turned into RunnerSettings. Without `--model` the run is
 * simulated (fake OpenAI-compatible server on 127.0.0.1 with the simulated policies), at small sizes,
 * with the direct baseline, and checked: the exit code says whether every simulated score was 1.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { RlmError } from "../../src/errors/index.js";
import {
  DEFAULT_RUNTIME,
  describeUserRuntimes,
  USER_RUNTIMES,
  type UserRuntimeName,
} from "../../src/sandbox/runtimes.js";
import { parseSize, TASKS } from "../tasks/index.js";
import type { RunnerSettings } from "./types.js";

export interface ParsedCommand {
  system: boolean;
  /** Raw arguments, for `--system` (its own options). */
  rest: string[];
  settings: Omit<RunnerSettings, "model" | "subModel" | "directModel"> & {
    model: string | undefined;
    subModel: string | undefined;
    baseline: "direct" | undefined;
    directModel: string | undefined;
    /** `--report FILE`: also write the results as an HTML page of charts. */
    report: string | undefined;
    /** `--from FILES`: draw the report from saved results instead of running. */
    from: string[] | undefined;
  };
}

function readPrices(path: string | undefined): RunnerSettings["prices"] {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RunnerSettings["prices"];
  } catch (error) {
    throw new RlmError("bench-bad-prices", `cannot read prices from ${path}`, {
      hint: 'write a JSON object like {"openai:gpt-5-mini": {"inputPerMillion": 0.25, "outputPerMillion": 2}}',
      cause: error,
    });
  }
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RlmError("bench-bad-option", `--${name} must be a positive number, got "${text}"`, {
      hint: `pass a number, e.g. --${name} 4`,
    });
  }
  return value;
}

export function parseCommand(argv: string[]): ParsedCommand {
  const program = new Command("bench")
    .description("Benchmarks for rlm: task scores and costs (RLM vs. a direct call), and system speed.")
    .option("--system", "run the system speed benchmark (bench/system) instead of tasks")
    .option("--task <names>", `comma-separated tasks or "all": ${Object.keys(TASKS).join(", ")}`, "all")
    .option("--sizes <sizes>", "context sizes in characters, e.g. 45k,1M,10M", "45k,200k")
    .option("--model <spec>", "root model spec (without it the run is simulated)")
    .option("--sub-model <spec>", "model for llm_query (default: the root model)")
    .option("--simulated", "use the simulated models (the default without --model)")
    .option("--baseline <kind>", "also answer each question with one plain call: direct")
    .option("--direct-model <spec>", "model for the direct baseline (default: the root model)")
    .option("--direct-window <tokens>", "context window to assume for the direct baseline")
    .option("--seed <n>", "seed of the generators", "1")
    .option("--samples <n>", "instances per task and size (seeds seed, seed+1, ...)", "1")
    .option("--questions <n>", "questions per instance for tasks that ask several")
    .option("--dir <path>", "source directory for the codebase task (default: this repository's src/)")
    .option("--max-depth <n>", "recursion depth (2: rlm_query starts child RLMs)", "1")
    .option("--concurrency <n>", "sub-calls in flight at once", "16")
    .option("--max-iterations <n>", "root turns per question", "12")
    .option("--timeout <ms>", "wall-time limit per question")
    .option("--runtime <runtime>", `sandbox runtime: ${USER_RUNTIMES.join(" or ")}`, DEFAULT_RUNTIME)
    .option("--prices <file>", "JSON price table: spec -> {inputPerMillion, outputPerMillion}")
    .option("--out <file>", "where to save the JSON report (default runs/bench-<time>.json)")
    .option("--report <file>", "also write the results as an offline HTML page of charts")
    .option(
      "--from <files>",
      "with --report: comma-separated saved results (bench or --system JSON); runs nothing",
    )
    .allowExcessArguments(false)
    .allowUnknownOption(false)
    .exitOverride();
  const system = argv.includes("--system");
  if (system) return { system, rest: argv.filter((arg) => arg !== "--system"), settings: undefined as never };
  program.parse(argv, { from: "user" });
  const options = program.opts<Record<string, string | boolean | undefined>>();
  const text = (name: string): string | undefined =>
    typeof options[name] === "string" ? (options[name] as string) : undefined;
  const tasks =
    text("task") === "all"
      ? Object.keys(TASKS)
      : text("task")!
          .split(",")
          .map((name) => name.trim());
  for (const task of tasks)
    if (!(task in TASKS))
      throw new RlmError("bench-unknown-task", `unknown task "${task}"`, {
        hint: `use one of: ${Object.keys(TASKS).join(", ")}`,
      });
  const baseline = text("baseline");
  if (baseline !== undefined && baseline !== "direct") {
    throw new RlmError("bench-bad-option", `unknown baseline "${baseline}"`, {
      hint: "the only baseline is: direct",
    });
  }
  const runtime = text("runtime");
  if (!USER_RUNTIMES.includes(runtime as UserRuntimeName)) {
    throw new RlmError("bench-bad-option", `unknown runtime "${runtime}"`, {
      hint: `use ${describeUserRuntimes()}`,
    });
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = text("out") ?? join("runs", `bench-${stamp}.json`);
  return {
    system: false,
    rest: [],
    settings: {
      simulated: options.simulated === true || text("model") === undefined,
      model: text("model"),
      subModel: text("subModel"),
      baseline,
      directModel: text("directModel"),
      tasks,
      sizes: text("sizes")!.split(",").map(parseSize),
      seed: Number(text("seed")),
      samples: positive("samples", text("samples")!),
      maxDepth: positive("max-depth", text("maxDepth")!),
      concurrency: positive("concurrency", text("concurrency")!),
      maxIterations: positive("max-iterations", text("maxIterations")!),
      runtime: runtime as UserRuntimeName,
      directory: text("dir"),
      questions: text("questions") === undefined ? undefined : positive("questions", text("questions")!),
      prices: readPrices(text("prices")),
      directWindow:
        text("directWindow") === undefined ? undefined : positive("direct-window", text("directWindow")!),
      timeoutMs: text("timeout") === undefined ? undefined : positive("timeout", text("timeout")!),
      out,
      traceDirectory: out.replace(/\.json$/, ""),
      report: text("report"),
      from: text("from")
        ?.split(",")
        .map((path) => path.trim()),
    },
  };
}
