import { type ParsedSpec, resolveEndpoints } from "../../models/index.js";
import { type CheckModelOptions, EMBEDDED_OFFER } from "./backend-check.js";
import { type Check, getJson, missingKey } from "./check.js";

/** OpenAI and compatible servers: `/models` answers with the key, and lists the model. */
export async function checkOpenAI(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [baseUrl = ""] = resolveEndpoints(parsed, { env: options.environment });
  const official = parsed.provider === "openai";
  const variable = official ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY";
  const key = options.environment[variable];
  if (official && !key) return missingKey(label, variable, "sk-...");
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
