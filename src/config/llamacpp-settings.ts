import { RlmError } from "../errors/index.js";

/**
 * The settings of the embedded llama.cpp engine that every configuration source can set, in one
 * list: each has its flag (`--llama-context-size`), its environment variable
 * (`RLM_LLAMA_CONTEXT_SIZE`) and its key in the config file's `llamacpp` section (`contextSize`),
 * which is also its name in the library's `LlamaCppSettings`. The flags, the environment list, the
 * config file's schema and the resolution all read this list, so the four cannot drift apart.
 */

/** Layers on the GPU: a count, `auto` (as many as fit) or `max` (all). */
export type GpuLayers = number | "auto" | "max";

/** The settings each configuration source can set (a part of the library's `LlamaCppSettings`). */
export interface LlamaCppValues {
  contextSize?: number;
  threads?: number;
  gpuLayers?: GpuLayers;
  batchSize?: number;
}

/**
 * What the configuration hands to `llamacpp:` models: settings for all of them, and under `models`
 * settings for one model by its reference (what follows `llamacpp:` in its spec), which only the
 * config file sets; flags and environment variables apply to every model and win over both.
 */
export interface LlamaCppConfig extends LlamaCppValues {
  models?: Record<string, LlamaCppValues>;
}

export type LlamaCppKey = keyof LlamaCppValues;

export interface LlamaCppSetting {
  key: LlamaCppKey;
  /** The flag, with its value's name (`--llama-context-size <tokens>`). */
  flag: string;
  variable: string;
  /** `count`: a whole number above 0; `layers`: a whole number from 0, `auto` or `max`. */
  kind: "count" | "layers";
  /** What it sets and its default, in the README table's words (markdown). */
  meaning: string;
  /** The flag's help, shorter. */
  help: string;
}

export const LLAMACPP_SETTINGS: readonly LlamaCppSetting[] = [
  {
    key: "contextSize",
    help: "context window of llamacpp: models in tokens (default: the model's training context, at most 8192)",
    flag: "--llama-context-size <tokens>",
    variable: "RLM_LLAMA_CONTEXT_SIZE",
    kind: "count",
    meaning:
      "context window of `llamacpp:` models in tokens (default: the model's training context, at most 8,192); under 4,096 the root model gets the compact system prompt",
  },
  {
    key: "threads",
    help: "CPU threads of llamacpp: models (default: the physical cores)",
    flag: "--llama-threads <n>",
    variable: "RLM_LLAMA_THREADS",
    kind: "count",
    meaning: "CPU threads of `llamacpp:` models (default: the machine's physical cores)",
  },
  {
    key: "gpuLayers",
    help: "layers of llamacpp: models on the GPU: a number (0: CPU only), auto (default) or max",
    flag: "--llama-gpu-layers <n|auto|max>",
    variable: "RLM_LLAMA_GPU_LAYERS",
    kind: "layers",
    meaning:
      "layers of `llamacpp:` models offloaded to the GPU: a number (`0`: CPU only), `auto` (default: as many as fit) or `max`",
  },
  {
    key: "batchSize",
    help: "tokens llama.cpp reads at once from a prompt (default: node-llama-cpp's)",
    flag: "--llama-batch-size <tokens>",
    variable: "RLM_LLAMA_BATCH_SIZE",
    kind: "count",
    meaning:
      "tokens llama.cpp reads at once when it processes a prompt (default: node-llama-cpp's, at most 512)",
  },
];

/** The value `text` stands for, or undefined when it is not one (`kind` says what is accepted). */
export function parseLlamaCppValue(kind: LlamaCppSetting["kind"], text: string): GpuLayers | undefined {
  const trimmed = text.trim().toLowerCase();
  if (kind === "layers" && (trimmed === "auto" || trimmed === "max")) return trimmed;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || (kind === "count" && value < 1)) return undefined;
  return value;
}

/** What a value of this kind may be, for messages. */
export function expectedLlamaCppValue(kind: LlamaCppSetting["kind"]): string {
  return kind === "count" ? "a whole number above 0" : "a whole number from 0, auto or max";
}

/** The settings the environment sets; a value that is not one is refused with the variable's name. */
export function llamaCppFromEnvironment(environment: Record<string, string | undefined>): LlamaCppValues {
  const found: Record<string, GpuLayers> = {};
  for (const setting of LLAMACPP_SETTINGS) {
    const text = environment[setting.variable];
    if (text === undefined || text.trim() === "") continue;
    const value = parseLlamaCppValue(setting.kind, text);
    if (value === undefined) {
      throw new RlmError(
        "invalid-config",
        `${setting.variable} must be ${expectedLlamaCppValue(setting.kind)}, got "${text}".`,
        { hint: `Fix or unset ${setting.variable} (the flag ${setting.flag.split(" ")[0]} sets the same).` },
      );
    }
    found[setting.key] = value;
  }
  return found as LlamaCppValues;
}
