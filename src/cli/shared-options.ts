import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type ConfigFlags,
  DEFAULT_MODEL,
  DEFAULT_SUB_MODEL,
  expectedLlamaCppValue,
  type GpuLayers,
  LLAMACPP_SETTINGS,
  type LlamaCppSetting,
  type LlamaCppValues,
  parseLlamaCppValue,
} from "../config/index.js";
import { USER_RUNTIMES } from "../sandbox/runtimes.js";
import { duration, positiveInteger, positiveNumber } from "./parse-options.js";

/**
 * The options `ask`, `serve`, `mcp` and `doctor` share (models and their llama.cpp settings,
 * limits, sandbox, config file), declared once so their spelling and parsing cannot drift apart.
 */

/** commander's name for a flag's value: `--llama-context-size <tokens>` -> `llamaContextSize`. */
function attributeOf(setting: LlamaCppSetting): string {
  const name = setting.flag.split(" ")[0]!.replace(/^--/, "");
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function llamaCppValue(setting: LlamaCppSetting): (text: string) => GpuLayers {
  return (text) => {
    const value = parseLlamaCppValue(setting.kind, text);
    if (value === undefined)
      throw new InvalidArgumentError(`Expected ${expectedLlamaCppValue(setting.kind)}.`);
    return value;
  };
}

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
  llamaContextSize?: number;
  llamaThreads?: number;
  llamaGpuLayers?: GpuLayers;
  llamaBatchSize?: number;
};

export function addModelOptions(command: Command): Command {
  command
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
  for (const setting of LLAMACPP_SETTINGS) {
    command.option(setting.flag, `${setting.help} (env ${setting.variable})`, llamaCppValue(setting));
  }
  return command;
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

/** The llama.cpp settings the flags set. */
function llamaCppFlags(values: SharedOptionValues): LlamaCppValues {
  const byAttribute = values as Record<string, GpuLayers | undefined>;
  const found: Record<string, GpuLayers> = {};
  for (const setting of LLAMACPP_SETTINGS) {
    const value = byAttribute[attributeOf(setting)];
    if (value !== undefined) found[setting.key] = value;
  }
  return found as LlamaCppValues;
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
    llamacpp: llamaCppFlags(values),
  };
}
