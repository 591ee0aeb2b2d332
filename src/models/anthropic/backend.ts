import type {
  BackendCheck,
  BackendDescriptor,
  CheckContext,
  EnvironmentVariable,
  ParsedSpec,
} from "../backend.js";
import {
  failed,
  keyRefused,
  missingKey,
  modelSettings,
  oneEndpoint,
  requiredKey,
} from "../backend-support.js";
import { probeJson } from "../http/index.js";
import { AnthropicChatModel, anthropicHeaders } from "./anthropic-chat-model.js";

/** Anthropic's Messages API (`anthropic:`). */

const ANTHROPIC_API_KEY: EnvironmentVariable = {
  name: "ANTHROPIC_API_KEY",
  meaning: "for `anthropic:` specs",
  configFile: { key: "anthropicApiKey", form: "text" },
};
const ANTHROPIC_BASE_URL: EnvironmentVariable = {
  name: "ANTHROPIC_BASE_URL",
  meaning: "where `anthropic:` requests go (default `https://api.anthropic.com`)",
};

/** The key is set and accepted by `/v1/models`, which knows the model (aliases by prefix). */
async function checkAnthropic(parsed: ParsedSpec, context: CheckContext): Promise<BackendCheck> {
  const { baseUrl } = context;
  const key = context.environment[ANTHROPIC_API_KEY.name];
  if (!key) return missingKey(ANTHROPIC_API_KEY, "sk-ant-...");
  const reply = await probeJson(`${baseUrl}/v1/models?limit=1000`, {
    headers: anthropicHeaders(key),
    timeoutMs: context.timeoutMs,
  });
  if ("error" in reply) {
    return failed(
      "backend-unreachable",
      `${baseUrl} is not reachable (${reply.error}).`,
      "Check the network.",
    );
  }
  if (reply.status === 401 || reply.status === 403) {
    return keyRefused(`Anthropic refused the API key (${reply.status}).`, ANTHROPIC_API_KEY);
  }
  const data = (reply.body as { data?: { id?: unknown }[] } | undefined)?.data ?? [];
  const known = data.some((entry) => typeof entry.id === "string" && entry.id.startsWith(parsed.model));
  return known
    ? { status: "ok", detail: `Anthropic serves ${parsed.model}.` }
    : {
        status: "warn",
        detail: `Anthropic's model list has no ${parsed.model}.`,
        fix: "Check the model name.",
      };
}

export const anthropicBackend: BackendDescriptor = {
  prefix: "anthropic",
  examples: ["anthropic:claude-sonnet-4-5"],
  environment: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL],
  contextWindows: { claude: 200_000 },
  prices: {
    "claude-opus-4": { inputPerMillion: 15, outputPerMillion: 75 },
    "claude-sonnet-4": { inputPerMillion: 3, outputPerMillion: 15 },
    "claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
    "claude-3-5-haiku": { inputPerMillion: 0.8, outputPerMillion: 4 },
  },
  endpoints: (_parsed, config) => oneEndpoint(config, ANTHROPIC_BASE_URL, "https://api.anthropic.com"),
  create: (parsed, config, where) =>
    new AnthropicChatModel({
      ...modelSettings(parsed, config, where),
      apiKey: requiredKey(config, ANTHROPIC_API_KEY, "Anthropic"),
    }),
  costsMoney: () => true,
  check: checkAnthropic,
};
