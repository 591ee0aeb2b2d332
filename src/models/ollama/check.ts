import type { BackendCheck, CheckContext, EnvironmentVariable, ParsedSpec } from "../backend.js";
import { failed, keyRefused, missingKey } from "../backend-support.js";
import { bearer, probeJson } from "../http/index.js";
import { OLLAMA_HOST } from "./ollama-host.js";

/** `name` means `name:latest` to Ollama. */
function ollamaHas(names: string[], model: string): boolean {
  const wanted = model.includes(":") ? model : `${model}:latest`;
  return names.some((name) => name === wanted || name === model);
}

/** Ollama (local or cloud): `/api/tags` answers, and lists the model (the cloud's list is not the user's). */
export async function checkOllama(
  parsed: ParsedSpec,
  context: CheckContext,
  cloud: boolean,
  apiKey: EnvironmentVariable,
): Promise<BackendCheck> {
  const host = context.baseUrl;
  const key = context.environment[apiKey.name];
  if (cloud && !key) return missingKey(apiKey, "... (a key from https://ollama.com/settings/keys)");
  const reply = await probeJson(`${host}/api/tags`, { headers: bearer(key), timeoutMs: context.timeoutMs });
  if ("error" in reply) {
    return failed(
      "backend-unreachable",
      `Ollama is not reachable at ${host} (${reply.error}).`,
      cloud
        ? "Check the network connection to ollama.com."
        : `Start Ollama (\`ollama serve\`) or set ${OLLAMA_HOST.name} to where it runs; ${context.noServerFix}`,
    );
  }
  if (reply.status === 401 || reply.status === 403) {
    return keyRefused(`Ollama at ${host} refused the key (${reply.status}).`, apiKey);
  }
  const models = (reply.body as { models?: { name?: unknown; model?: unknown }[] } | undefined)?.models;
  if (reply.status !== 200 || !Array.isArray(models)) {
    return failed(
      "backend-unreachable",
      `${host}/api/tags answered ${reply.status}: is this an Ollama server?`,
      `Point ${OLLAMA_HOST.name} at an Ollama server.`,
    );
  }
  const names = models
    .flatMap((entry) => [entry.name, entry.model])
    .filter((name): name is string => typeof name === "string");
  if (!cloud && !ollamaHas(names, parsed.model)) {
    return failed(
      "model-not-found",
      `Ollama at ${host} does not have ${parsed.model} (it has: ${[...new Set(names)].join(", ") || "no models"}).`,
      `ollama pull ${parsed.model}`,
    );
  }
  return { status: "ok", detail: `Ollama at ${host} has ${parsed.model}.` };
}
