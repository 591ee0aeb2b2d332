import type { BackendCheck, CheckContext, EnvironmentVariable, ParsedSpec } from "../backend.js";
import { failed, keyRefused, missingKey } from "../backend-support.js";
import { bearer, type HttpOptions, probeJson } from "../http/index.js";

/** How the check differs between OpenAI itself and any compatible server. */
export interface OpenAICheckSettings {
  official: boolean;
  apiKey: EnvironmentVariable;
  /** The headers the model sends too (OpenAI's organisation and project). */
  http?: HttpOptions;
  unreachableFix: string;
}

/** OpenAI and compatible servers: `/models` answers with the key, and lists the model. */
export async function checkOpenAI(
  parsed: ParsedSpec,
  context: CheckContext,
  settings: OpenAICheckSettings,
): Promise<BackendCheck> {
  const { baseUrl } = context;
  const { official, apiKey } = settings;
  const key = context.environment[apiKey.name];
  if (official && !key) return missingKey(apiKey, "sk-...");
  const reply = await probeJson(`${baseUrl}/models`, {
    headers: bearer(key),
    timeoutMs: context.timeoutMs,
    http: settings.http,
  });
  if ("error" in reply) {
    return failed(
      "backend-unreachable",
      `The server at ${baseUrl} is not reachable (${reply.error}).`,
      settings.unreachableFix,
    );
  }
  if (reply.status === 401 || reply.status === 403) {
    return keyRefused(`${baseUrl} refused the API key (${reply.status}).`, apiKey);
  }
  const data = (reply.body as { data?: { id?: unknown }[] } | undefined)?.data;
  if (reply.status !== 200 || !Array.isArray(data)) {
    return {
      status: "warn",
      detail: `${baseUrl}/models answered ${reply.status}; the model list could not be read.`,
    };
  }
  const ids = data.map((entry) => entry.id).filter((id): id is string => typeof id === "string");
  if (!ids.includes(parsed.model)) {
    return {
      status: official ? "fail" : "warn",
      code: "model-not-found",
      detail: `${baseUrl} does not list ${parsed.model} (it lists: ${ids.slice(0, 10).join(", ") || "nothing"}).`,
      fix: "Use a model name the server lists.",
    };
  }
  return { status: "ok", detail: `${baseUrl} serves ${parsed.model}.` };
}
