import type { Limits } from "../budget/index.js";
import {
  DEFAULT_LAZY_ABOVE_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  LAZY_CONTEXT_BYTES_VARIABLE,
  MAX_INPUT_BYTES_VARIABLE,
} from "../inputs/input-limit.js";
import type { UserRuntimeName } from "../sandbox/runtimes.js";
import { parseByteSize } from "./byte-size.js";
import { type ConfigFile, defaultConfigPath, loadConfigFile } from "./config-file.js";
import { DEFAULT_MODEL, DEFAULT_SERVER_HOST, DEFAULT_SERVER_PORT, DEFAULT_SUB_MODEL } from "./defaults.js";
import { CONFIG_FILE_VARIABLES } from "./environment.js";
import { type LlamaCppConfig, type LlamaCppValues, llamaCppFromEnvironment } from "./llamacpp-settings.js";

/**
 * One precedence everywhere: command-line flags, then environment variables, then the config file,
 * then the defaults. The result also says where the two model specs came from, so `rlm doctor` and
 * error messages can tell the user which setting to change.
 */

export type Origin = "flag" | "environment" | "config file" | "default";

/** What flags can set; every field optional (unset falls through to the next source). */
export interface ConfigFlags {
  config?: string;
  model?: string;
  subModel?: string;
  /** More models `llm_query(..., model=...)` may name (flags add to the config file's list). */
  allowModels?: string[];
  maxDepth?: number;
  concurrency?: number;
  maxIterations?: number;
  maxTokens?: number;
  maxCostUsd?: number;
  timeoutMs?: number;
  maxSubCalls?: number;
  finalAnswerGraceMs?: number;
  sandbox?: UserRuntimeName;
  host?: string;
  port?: number;
  apiKey?: string;
  /** The embedded llama.cpp engine's settings (`--llama-context-size`...). */
  llamacpp?: LlamaCppValues;
}

export interface SandboxSettings {
  runtime: UserRuntimeName;
  timeoutMs?: number;
  memoryMb?: number;
  command?: string[];
}

export interface RlmConfig {
  model: string;
  subModel: string;
  origins: { model: Origin; subModel: Origin };
  /** Models the code may name besides the root and sub-model (`allowedSubModels`). */
  allowModels: string[];
  maxDepth: number | undefined;
  concurrency: number | undefined;
  limits: Limits;
  /** The limit on `rlm ask`'s inputs read into memory, in bytes (`RLM_MAX_INPUT_BYTES`, default 1 GiB). */
  maxInputBytes: number;
  /** Files above this many bytes together are read lazily (`RLM_LAZY_CONTEXT_BYTES`, default 256 MiB). */
  lazyContextBytes: number;
  sandbox: SandboxSettings;
  /** The settings of `llamacpp:` models: flags over `RLM_LLAMA_*` over the config file's `llamacpp`. */
  llamacpp: LlamaCppConfig;
  /** The environment the model backends read: the process environment over the config file's `backends`. */
  environment: Record<string, string | undefined>;
  server: { host: string; port: number; apiKey: string | undefined };
  configPath: string;
  /** Whether a config file was found and read. */
  configLoaded: boolean;
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function pick<T>(...candidates: [T | undefined, Origin][]): { value: T | undefined; origin: Origin } {
  for (const [value, origin] of candidates) if (value !== undefined) return { value, origin };
  return { value: undefined, origin: "default" };
}

/** Only the settings that are set: an undefined flag must not hide the environment's value. */
function defined(settings: LlamaCppValues | undefined): LlamaCppValues {
  return Object.fromEntries(Object.entries(settings ?? {}).filter(([, value]) => value !== undefined));
}

/** Flags over environment over the file's settings for one model over the file's settings for all. */
function llamaCppSettings(
  file: LlamaCppConfig | undefined,
  environment: Record<string, string | undefined>,
  flags: LlamaCppValues | undefined,
): LlamaCppConfig {
  const { models, ...shared } = file ?? {};
  const winning = { ...llamaCppFromEnvironment(environment), ...defined(flags) };
  const settings: LlamaCppConfig = { ...defined(shared), ...winning };
  if (models) {
    settings.models = Object.fromEntries(
      Object.entries(models).map(([model, own]) => [model, { ...defined(own), ...winning }]),
    );
  }
  return settings;
}

function backendEnvironment(file: ConfigFile | undefined, environment: Record<string, string | undefined>) {
  const merged: Record<string, string | undefined> = { ...environment };
  for (const { key, variable } of CONFIG_FILE_VARIABLES) {
    const fromFile = file?.backends?.[key];
    if (set(environment[variable]) === undefined && fromFile !== undefined) merged[variable] = fromFile;
  }
  return merged;
}

export async function resolveConfig(
  flags: ConfigFlags = {},
  environment: Record<string, string | undefined> = process.env,
): Promise<RlmConfig> {
  const namedPath = set(flags.config) ?? set(environment.RLM_CONFIG);
  const configPath = namedPath ?? defaultConfigPath(environment);
  const file = await loadConfigFile(configPath, namedPath !== undefined);

  const model = pick<string>(
    [set(flags.model), "flag"],
    [set(environment.RLM_MODEL), "environment"],
    [file?.model, "config file"],
  );
  const subModel = pick<string>(
    [set(flags.subModel), "flag"],
    [set(environment.RLM_SUB_MODEL), "environment"],
    [file?.subModel, "config file"],
  );
  // A user who chose a root model but no sub-model gets the root model for sub-calls too (the
  // library's own default), rather than a local Ollama model they may not have.
  const subModelValue =
    subModel.value ?? (model.value === undefined ? DEFAULT_SUB_MODEL : (model.value as string));
  const subModelOrigin =
    subModel.value === undefined && model.value !== undefined ? model.origin : subModel.origin;

  const fileLimits = file?.limits ?? {};
  const limits: Limits = {
    ...fileLimits,
    ...(flags.maxIterations !== undefined ? { maxIterations: flags.maxIterations } : {}),
    ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
    ...(flags.maxCostUsd !== undefined ? { maxCostUsd: flags.maxCostUsd } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.maxSubCalls !== undefined ? { maxSubCalls: flags.maxSubCalls } : {}),
    ...(flags.finalAnswerGraceMs !== undefined ? { finalAnswerGraceMs: flags.finalAnswerGraceMs } : {}),
  };
  const maxInputText = set(environment[MAX_INPUT_BYTES_VARIABLE]);
  const lazyText = set(environment[LAZY_CONTEXT_BYTES_VARIABLE]);
  const sandbox: SandboxSettings = {
    ...file?.sandbox,
    runtime: flags.sandbox ?? file?.sandbox?.runtime ?? "pyodide",
  };
  return {
    model: model.value ?? DEFAULT_MODEL,
    subModel: subModelValue,
    origins: { model: model.origin, subModel: subModelOrigin },
    allowModels: [...(file?.allowModels ?? []), ...(flags.allowModels ?? [])],
    maxDepth: flags.maxDepth ?? file?.maxDepth,
    concurrency: flags.concurrency ?? file?.concurrency,
    limits,
    maxInputBytes:
      maxInputText === undefined
        ? DEFAULT_MAX_TOTAL_BYTES
        : parseByteSize(MAX_INPUT_BYTES_VARIABLE, maxInputText),
    lazyContextBytes:
      lazyText === undefined
        ? DEFAULT_LAZY_ABOVE_BYTES
        : parseByteSize(LAZY_CONTEXT_BYTES_VARIABLE, lazyText),
    sandbox,
    llamacpp: llamaCppSettings(file?.llamacpp as LlamaCppConfig | undefined, environment, flags.llamacpp),
    environment: backendEnvironment(file, environment),
    server: {
      host: flags.host ?? file?.server?.host ?? DEFAULT_SERVER_HOST,
      port: flags.port ?? file?.server?.port ?? DEFAULT_SERVER_PORT,
      apiKey: set(flags.apiKey) ?? set(environment.RLM_SERVER_API_KEY) ?? file?.server?.apiKey,
    },
    configPath,
    configLoaded: file !== undefined,
  };
}
