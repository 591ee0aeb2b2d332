import { type ParsedSpec, resolveEndpoints } from "../../models/index.js";
import type { CheckModelOptions } from "./backend-check.js";
import { type Check, getJson, missingKey } from "./check.js";

/** Anthropic: the key is set and accepted by `/v1/models`, which knows the model (aliases by prefix). */
export async function checkAnthropic(
  parsed: ParsedSpec,
  label: string,
  options: CheckModelOptions,
  timeoutMs: number,
): Promise<Check> {
  const [baseUrl = ""] = resolveEndpoints(parsed, { env: options.environment });
  const key = options.environment.ANTHROPIC_API_KEY;
  if (!key) return missingKey(label, "ANTHROPIC_API_KEY", "sk-ant-...");
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
