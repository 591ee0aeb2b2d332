import { type Command, Option } from "commander";
import { type ConfigFlags, DEFAULT_MODEL, DEFAULT_SUB_MODEL } from "../config/index.js";
import { USER_RUNTIMES } from "../sandbox/runtimes.js";
import { duration, positiveInteger, positiveNumber } from "./parse-options.js";

/**
 * The options `ask`, `serve` and `doctor` share (models, limits, sandbox, config file), declared
 * once so their spelling and parsing cannot drift apart.
 */

/**
 * What commander parses from the shared flags: the config flags under their flag names
 * (`--max-cost`, `--timeout`), derived from `ConfigFlags` so the two cannot drift apart.
 */
export type SharedOptionValues = Omit<
  ConfigFlags,
  "maxCostUsd" | "timeoutMs" | "finalAnswerGraceMs" | "host" | "port" | "apiKey" | "allowModels"
> & {
  allowModel?: string[];
  maxCost?: number;
  timeout?: number;
  finalAnswerGrace?: number;
};

export function addModelOptions(command: Command): Command {
  return command
    .option("-m, --model <spec>", `root model spec (env RLM_MODEL; default ${DEFAULT_MODEL})`)
    .option(
      "-s, --sub-model <spec>",
      `model for llm_query sub-calls (env RLM_SUB_MODEL; default ${DEFAULT_SUB_MODEL})`,
    )
    .option(
      "--allow-model <spec>",
      "one more model the code may name in llm_query(..., model=...) (repeatable)",
      (spec: string, earlier: string[] = []) => [...earlier, spec],
    )
    .option("--config <file>", "config file (env RLM_CONFIG; default ~/.config/rlm/config.json)");
}

export function addRunOptions(command: Command): Command {
  return addModelOptions(command)
    .option(
      "--max-depth <n>",
      "1: llm_query is a plain call; 2+: rlm_query starts child RLMs",
      positiveInteger,
    )
    .option("--max-iterations <n>", "root turns (default 30)", positiveInteger)
    .option("--max-tokens <n>", "tokens over the whole run, all models", positiveInteger)
    .option("--max-cost <usd>", "cost over the whole run, in USD", positiveNumber)
    .option("--timeout <duration>", "wall time for the run: 90, 90s, 5m, 1h", duration)
    .option(
      "--final-answer-grace <duration>",
      "after --timeout, how long the last call for a best answer may take (default 5s)",
      duration,
    )
    .option("--max-sub-calls <n>", "llm_query/rlm_query calls over the whole run", positiveInteger)
    .option("--concurrency <n>", "sub-calls in flight at once per backend (default 16)", positiveInteger)
    .addOption(
      new Option(
        "--sandbox <runtime>",
        "Python runtime: pyodide (locked-down WebAssembly) or process (native python3)",
      ).choices(USER_RUNTIMES),
    );
}

/** Picks the shared flags by name: commander's values also hold each command's own options. */
export function toConfigFlags(values: SharedOptionValues): ConfigFlags {
  return {
    config: values.config,
    model: values.model,
    subModel: values.subModel,
    allowModels: values.allowModel,
    maxDepth: values.maxDepth,
    concurrency: values.concurrency,
    maxIterations: values.maxIterations,
    maxTokens: values.maxTokens,
    maxCostUsd: values.maxCost,
    timeoutMs: values.timeout,
    finalAnswerGraceMs: values.finalAnswerGrace,
    maxSubCalls: values.maxSubCalls,
    sandbox: values.sandbox,
  };
}
