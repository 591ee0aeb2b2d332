import type { BackendDescriptor, Endpoint, EnvironmentVariable, ParsedSpec } from "../backend.js";
import { modelSettings, oneEndpoint, optionalKey, requiredKey, trimSlash } from "../backend-support.js";
import type { HttpOptions } from "../http/index.js";
import { environmentOf, type ModelConfig } from "../model-config.js";
import { checkOpenAI } from "./check.js";
import { OPENAI_CONTEXT_WINDOWS, OPENAI_PRICES } from "./known-models.js";
import { OpenAIChatModel, type OpenAIChatModelSettings } from "./openai-chat-model.js";

/** OpenAI Chat Completions: OpenAI itself (`openai:`) and any server that speaks it (`openai-compatible:`). */

const OPENAI_API_KEY: EnvironmentVariable = {
  name: "OPENAI_API_KEY",
  meaning: "for `openai:` specs",
  configFile: { key: "openaiApiKey", form: "text" },
};
const OPENAI_BASE_URL: EnvironmentVariable = {
  name: "OPENAI_BASE_URL",
  meaning: "where `openai:` requests go (default `https://api.openai.com/v1`)",
  configFile: { key: "openaiBaseUrl", form: "url" },
};
const OPENAI_ORG_ID: EnvironmentVariable = {
  name: "OPENAI_ORG_ID",
  meaning: "sent with `openai:` requests as the `openai-organization` header",
};
const OPENAI_PROJECT_ID: EnvironmentVariable = {
  name: "OPENAI_PROJECT_ID",
  meaning: "sent with `openai:` requests as the `openai-project` header",
};
/** A compatible server gets its own variable: sending OPENAI_API_KEY to any host would leak it. */
const OPENAI_COMPATIBLE_API_KEY: EnvironmentVariable = {
  name: "OPENAI_COMPATIBLE_API_KEY",
  meaning:
    "key sent to `openai-compatible:` servers (never `OPENAI_API_KEY`, which would leak it to any host)",
};

/** The organisation and project the official client also reads from the environment. */
function withAccountHeaders(config: ModelConfig): HttpOptions | undefined {
  const environment = environmentOf(config);
  const headers: Record<string, string> = {};
  const organization = environment[OPENAI_ORG_ID.name];
  const project = environment[OPENAI_PROJECT_ID.name];
  if (organization) headers["openai-organization"] = organization;
  if (project) headers["openai-project"] = project;
  if (Object.keys(headers).length === 0) return config.http;
  return { ...config.http, headers: { ...headers, ...config.http?.headers } };
}

function createOpenAI(
  parsed: ParsedSpec,
  config: ModelConfig,
  where: Endpoint,
  own: Pick<OpenAIChatModelSettings, "provider" | "apiKey" | "apiKeyVariable" | "http">,
): OpenAIChatModel {
  return new OpenAIChatModel({ ...modelSettings(parsed, config, where), ...own });
}

export const openaiBackend: BackendDescriptor = {
  prefix: "openai",
  examples: ["openai:gpt-5-mini"],
  environment: [OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID],
  contextWindows: OPENAI_CONTEXT_WINDOWS,
  prices: OPENAI_PRICES,
  endpoints: (_parsed, config) => oneEndpoint(config, OPENAI_BASE_URL, "https://api.openai.com/v1"),
  create: (parsed, config, where) =>
    createOpenAI(parsed, config, where, {
      provider: "openai",
      apiKey: requiredKey(config, OPENAI_API_KEY, "OpenAI"),
      apiKeyVariable: OPENAI_API_KEY.name,
      http: withAccountHeaders(config),
    }),
  costsMoney: () => true,
  check: (parsed, context) =>
    checkOpenAI(parsed, context, {
      official: true,
      apiKey: OPENAI_API_KEY,
      http: withAccountHeaders({ env: context.environment }),
      unreachableFix: `Check the network, or ${OPENAI_BASE_URL.name}.`,
    }),
};

/** Loopback and private-network hosts: an OpenAI-compatible server there (vLLM, llama.cpp) is the user's own. */
const PRIVATE_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|[\w-]+\.local)$/;

function servedLocally(url: string): boolean {
  try {
    return PRIVATE_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The base URLs of a fleet listed in the spec itself: `openai-compatible:http://a/v1,http://b/v1#m`. */
function fleetOf(baseUrls: string): string[] {
  return baseUrls
    .split(",")
    .map((url) => trimSlash(url.trim()))
    .filter((url) => url !== "");
}

export const openaiCompatibleBackend: BackendDescriptor = {
  prefix: "openai-compatible",
  examples: ["openai-compatible:http://127.0.0.1:8000/v1#my-model"],
  environment: [OPENAI_COMPATIBLE_API_KEY],
  parse(rest) {
    const hash = rest.lastIndexOf("#");
    const baseUrl = (hash < 0 ? rest : rest.slice(0, hash)).replace(/\/+$/, "");
    const model = hash < 0 ? "" : rest.slice(hash + 1).trim();
    if (!/^https?:\/\/[^/]+/.test(baseUrl))
      return { invalid: "the base URL must start with http:// or https://" };
    if (model === "") return { invalid: "the model name after `#` is missing" };
    return { model, baseUrl };
  },
  endpoints: (parsed, config) => fleetOf(config.baseUrl ?? parsed.baseUrl ?? ""),
  create: (parsed, config, where) =>
    createOpenAI(parsed, config, where, {
      provider: "openai-compatible",
      apiKey: optionalKey(config, OPENAI_COMPATIBLE_API_KEY),
      apiKeyVariable: OPENAI_COMPATIBLE_API_KEY.name,
      http: config.http,
    }),
  costsMoney: (parsed) => !fleetOf(parsed.baseUrl ?? "").every(servedLocally),
  check: (parsed, context) =>
    checkOpenAI(parsed, context, {
      official: false,
      apiKey: OPENAI_COMPATIBLE_API_KEY,
      unreachableFix: `Start the server, or fix the URL in the spec; ${context.noServerFix}`,
    }),
};
