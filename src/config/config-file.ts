import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { RlmError } from "../errors/index.js";
import { USER_RUNTIMES } from "../sandbox/runtimes.js";
import { CONFIG_FILE_VARIABLES } from "./environment.js";
import { LLAMACPP_SETTINGS } from "./llamacpp-settings.js";

/**
 * The optional config file (`~/.config/rlm/config.json`, or the file named by `RLM_CONFIG` or
 * `--config`). Strict: an unknown key is an error, because a misspelt setting that silently does
 * nothing is worse than a refusal.
 */

const positiveInteger = z.number().int().positive();
const positiveNumber = z.number().positive();

/** `backends`: a key for each backend variable that has one (`ollamaHost` for OLLAMA_HOST...). */
const backendKeys = Object.fromEntries(
  CONFIG_FILE_VARIABLES.map(({ key, form }) => [
    key,
    (form === "url" ? z.string().url() : z.string().min(1)).optional(),
  ]),
);

/** `llamacpp`: the embedded engine's settings, by their `LlamaCppSettings` names. */
const llamacppKeys = Object.fromEntries(
  LLAMACPP_SETTINGS.map(({ key, kind }) => [
    key,
    (kind === "count"
      ? positiveInteger
      : z.union([z.number().int().min(0), z.enum(["auto", "max"])])
    ).optional(),
  ]),
);

export const configFileSchema = z
  .object({
    model: z.string().min(1).optional(),
    subModel: z.string().min(1).optional(),
    allowModels: z.array(z.string().min(1)).optional(),
    maxDepth: positiveInteger.optional(),
    concurrency: positiveInteger.optional(),
    limits: z
      .object({
        maxIterations: positiveInteger.optional(),
        maxTokens: positiveInteger.optional(),
        maxCostUsd: positiveNumber.optional(),
        timeoutMs: positiveInteger.optional(),
        maxSubCalls: positiveInteger.optional(),
        maxErrors: positiveInteger.optional(),
        finalAnswerGraceMs: positiveInteger.optional(),
      })
      .strict()
      .optional(),
    sandbox: z
      .object({
        runtime: z.enum(USER_RUNTIMES).optional(),
        timeoutMs: positiveInteger.optional(),
        memoryMb: positiveInteger.optional(),
        command: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
    backends: z.object(backendKeys).strict().optional(),
    llamacpp: z
      .object({ ...llamacppKeys, models: z.record(z.string(), z.object(llamacppKeys).strict()).optional() })
      .strict()
      .optional(),
    server: z
      .object({
        host: z.string().min(1).optional(),
        port: z.number().int().min(0).max(65_535).optional(),
        apiKey: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export function defaultConfigPath(environment: Record<string, string | undefined>): string {
  const base = environment.XDG_CONFIG_HOME || join(environment.HOME || homedir(), ".config");
  return join(base, "rlm", "config.json");
}

function invalidConfig(path: string, detail: string, cause?: unknown): RlmError {
  return new RlmError("invalid-config", `The config file ${path} is not valid: ${detail}`, {
    hint: "Fix the file (see the README's Configuration section for every key), or move it away to use the defaults.",
    cause,
  });
}

/**
 * Reads and validates a config file. A missing file is fine when it is the default location
 * (`required: false`), and an error when the user named it.
 */
export async function loadConfigFile(path: string, required: boolean): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new RlmError(
      "config-not-found",
      `Cannot read the config file ${path}: ${(error as Error).message}`,
      {
        hint: "Check the path given by --config or RLM_CONFIG.",
        cause: error,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidConfig(path, `it is not JSON (${(error as Error).message})`, error);
  }
  const result = configFileSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
      return `${where}: ${issue.message}`;
    });
    throw invalidConfig(path, issues.join("; "), result.error);
  }
  return result.data;
}
