import { type ParsedSpec, resolveEndpoints } from "../../models/index.js";
import { type CheckModelOptions, EMBEDDED_OFFER } from "./backend-check.js";
import { type Check, getJson, missingKey } from "./check.js";

/** Ollama (local or cloud): `/api/tags` answers, and lists the model (`name` means `name:latest`). */
function ollamaHas(names: string[], model: string): boolean {
  const wanted = model.includes(":") ? model : `${model}:latest`;
  return names.some((name) => name === wanted || name === model);
}

export async function checkOllama(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [host = ""] = resolveEndpoints(parsed, { env: options.environment });
  const cloud = parsed.provider === "ollama-cloud";
  const key = options.environment.OLLAMA_API_KEY;
  if (cloud && !key)
    return missingKey(label, "OLLAMA_API_KEY", "... (a key from https://ollama.com/settings/keys)");
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
