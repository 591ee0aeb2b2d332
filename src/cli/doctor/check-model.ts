import { existsSync } from "node:fs";
import { EMBEDDED_MODEL } from "../../config/index.js";
import { isRlmError } from "../../errors/index.js";
import { type ParsedSpec, parseModelSpec, resolveEndpoints } from "../../models/index.js";
import { type Check, getJson } from "./check.js";

/**
 * Whether a model spec can be served right now: the backend answers, the key is accepted, and the
 * model is there (Ollama `/api/tags`, OpenAI-style `/v1/models`, Anthropic `/v1/models`). Each
 * failure names the fix. Read-only: nothing is pulled or loaded.
 */

export interface CheckModelOptions {
  environment: Record<string, string | undefined>;
  timeoutMs?: number;
}

const EMBEDDED_OFFER = `no server at all? use the embedded engine: --model ${EMBEDDED_MODEL}`;

function ollamaHas(names: string[], model: string): boolean {
  const wanted = model.includes(":") ? model : `${model}:latest`;
  return names.some((name) => name === wanted || name === model);
}

async function checkOllama(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [host = ""] = resolveEndpoints(parsed, { env: options.environment });
  const cloud = parsed.provider === "ollama-cloud";
  const key = options.environment.OLLAMA_API_KEY;
  if (cloud && !key) {
    return {
      name: label,
      status: "fail",
      code: "missing-api-key",
      detail: "OLLAMA_API_KEY is not set.",
      fix: "export OLLAMA_API_KEY=... (a key from https://ollama.com/settings/keys)",
    };
  }
  const reply = await getJson(`${host}/api/tags`, key ? { authorization: `Bearer ${key}` } : {}, timeoutMs);
  if ("error" in reply) {
    return {
      name: label,
      status: "fail",
      code: "backend-unreachable",
      detail: `Ollama is not reachable at ${host} (${reply.error}).`,
      fix: cloud
        ? "Check the network connection to ollama.com."
        : `Start Ollama (\`ollama serve\`) or set OLLAMA_HOST to where it runs; ${EMBEDDED_OFFER}`,
    };
  }
  if (reply.status === 401 || reply.status === 403) {
    return {
      name: label,
      status: "fail",
      code: "authentication-failed",
      detail: `Ollama at ${host} refused the key (${reply.status}).`,
      fix: "Check OLLAMA_API_KEY.",
    };
  }
  const models = (reply.body as { models?: { name?: unknown; model?: unknown }[] } | undefined)?.models;
  if (reply.status !== 200 || !Array.isArray(models)) {
    return {
      name: label,
      status: "fail",
      code: "backend-unreachable",
      detail: `${host}/api/tags answered ${reply.status}: is this an Ollama server?`,
      fix: "Point OLLAMA_HOST at an Ollama server.",
    };
  }
  const names = models
    .flatMap((entry) => [entry.name, entry.model])
    .filter((name): name is string => typeof name === "string");
  if (!cloud && !ollamaHas(names, parsed.model)) {
    return {
      name: label,
      status: "fail",
      code: "model-not-found",
      detail: `Ollama at ${host} does not have ${parsed.model} (it has: ${[...new Set(names)].join(", ") || "no models"}).`,
      fix: `ollama pull ${parsed.model}`,
    };
  }
  return { name: label, status: "ok", detail: `Ollama at ${host} has ${parsed.model}.` };
}

async function checkOpenAI(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [baseUrl = ""] = resolveEndpoints(parsed, { env: options.environment });
  const official = parsed.provider === "openai";
  const variable = official ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY";
  const key = options.environment[variable];
  if (official && !key)
    return {
      name: label,
      status: "fail",
      code: "missing-api-key",
      detail: `${variable} is not set.`,
      fix: `export ${variable}=sk-...`,
    };
  const reply = await getJson(`${baseUrl}/models`, key ? { authorization: `Bearer ${key}` } : {}, timeoutMs);
  if ("error" in reply) {
    return {
      name: label,
      status: "fail",
      code: "backend-unreachable",
      detail: `The server at ${baseUrl} is not reachable (${reply.error}).`,
      fix: official
        ? "Check the network, or OPENAI_BASE_URL."
        : `Start the server, or fix the URL in the spec; ${EMBEDDED_OFFER}`,
    };
  }
  if (reply.status === 401 || reply.status === 403) {
    return {
      name: label,
      status: "fail",
      code: "authentication-failed",
      detail: `${baseUrl} refused the API key (${reply.status}).`,
      fix: `Check ${variable}.`,
    };
  }
  const data = (reply.body as { data?: { id?: unknown }[] } | undefined)?.data;
  if (reply.status !== 200 || !Array.isArray(data)) {
    return {
      name: label,
      status: "warn",
      detail: `${baseUrl}/models answered ${reply.status}; the model list could not be read.`,
    };
  }
  const ids = data.map((entry) => entry.id).filter((id): id is string => typeof id === "string");
  if (!ids.includes(parsed.model)) {
    return {
      name: label,
      status: official ? "fail" : "warn",
      code: "model-not-found",
      detail: `${baseUrl} does not list ${parsed.model} (it lists: ${ids.slice(0, 10).join(", ") || "nothing"}).`,
      fix: "Use a model name the server lists.",
    };
  }
  return { name: label, status: "ok", detail: `${baseUrl} serves ${parsed.model}.` };
}

async function checkAnthropic(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [baseUrl = ""] = resolveEndpoints(parsed, { env: options.environment });
  const key = options.environment.ANTHROPIC_API_KEY;
  if (!key)
    return {
      name: label,
      status: "fail",
      code: "missing-api-key",
      detail: "ANTHROPIC_API_KEY is not set.",
      fix: "export ANTHROPIC_API_KEY=sk-ant-...",
    };
  const reply = await getJson(
    `${baseUrl}/v1/models?limit=1000`,
    { "x-api-key": key, "anthropic-version": "2023-06-01" },
    timeoutMs,
  );
  if ("error" in reply)
    return {
      name: label,
      status: "fail",
      code: "backend-unreachable",
      detail: `${baseUrl} is not reachable (${reply.error}).`,
      fix: "Check the network.",
    };
  if (reply.status === 401 || reply.status === 403) {
    return {
      name: label,
      status: "fail",
      code: "authentication-failed",
      detail: `Anthropic refused the API key (${reply.status}).`,
      fix: "Check ANTHROPIC_API_KEY.",
    };
  }
  const data = (reply.body as { data?: { id?: unknown }[] } | undefined)?.data ?? [];
  const known = data.some((entry) => typeof entry.id === "string" && entry.id.startsWith(parsed.model));
  return known
    ? { name: label, status: "ok", detail: `Anthropic serves ${parsed.model}.` }
    : {
        name: label,
        status: "warn",
        detail: `Anthropic's model list has no ${parsed.model}.`,
        fix: "Check the model name.",
      };
}

function checkLlamaCpp(parsed: ParsedSpec, label: string): Check {
  try {
    import.meta.resolve("node-llama-cpp");
  } catch {
    return {
      name: label,
      status: "fail",
      code: "model-not-found",
      detail: "node-llama-cpp is not installed.",
      fix: "npm install node-llama-cpp",
    };
  }
  if (parsed.provider === "llamacpp" && parsed.source === "path" && !existsSync(parsed.model)) {
    return {
      name: label,
      status: "fail",
      code: "model-not-found",
      detail: `No model file at ${parsed.model}.`,
      fix: "Give the path of a .gguf file, or an hf: URI.",
    };
  }
  const where =
    parsed.provider === "llamacpp" && parsed.source === "hf" ? "downloaded on first use" : "a local file";
  return { name: label, status: "ok", detail: `Embedded llama.cpp, ${parsed.model} (${where}).` };
}

export async function checkModel(spec: string, label: string, options: CheckModelOptions): Promise<Check> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let parsed: ParsedSpec;
  try {
    parsed = parseModelSpec(spec);
  } catch (error) {
    const message = isRlmError(error) ? error.message : String(error);
    return {
      name: label,
      status: "fail",
      code: "invalid-model-spec",
      detail: message,
      fix: isRlmError(error) ? error.hint : undefined,
    };
  }
  try {
    switch (parsed.provider) {
      case "ollama":
      case "ollama-cloud":
        return await checkOllama(parsed, label, options, timeoutMs);
      case "openai":
      case "openai-compatible":
        return await checkOpenAI(parsed, label, options, timeoutMs);
      case "anthropic":
        return await checkAnthropic(parsed, label, options, timeoutMs);
      case "llamacpp":
        return checkLlamaCpp(parsed, label);
    }
  } catch (error) {
    // resolveEndpoints refuses a malformed OLLAMA_HOST with an RlmError that says how to fix it.
    if (isRlmError(error))
      return { name: label, status: "fail", code: "invalid-config", detail: error.message, fix: error.hint };
    throw error;
  }
}
