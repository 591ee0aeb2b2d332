import type { BackendDescriptor, Endpoint, EnvironmentVariable, ParsedSpec } from "../backend.js";
import { modelSettings, oneEndpoint, optionalKey, requiredKey } from "../backend-support.js";
import { environmentOf, type ModelConfig } from "../model-config.js";
import { checkOllama } from "./check.js";
import { OllamaChatModel, type OllamaChatModelSettings } from "./ollama-chat-model.js";
import { normalizeOllamaHost, OLLAMA_CLOUD_HOST, OLLAMA_HOST, ollamaHosts } from "./ollama-host.js";

/** Ollama's native API, on the user's own servers (`ollama:`) or Ollama's hosted one (`ollama-cloud:`). */

const OLLAMA_API_KEY: EnvironmentVariable = {
  name: "OLLAMA_API_KEY",
  meaning: "for `ollama-cloud:` specs (also sent to `ollama:` servers when set)",
  configFile: { key: "ollamaApiKey", form: "text" },
};

function createOllama(
  parsed: ParsedSpec,
  config: ModelConfig,
  where: Endpoint,
  own: Pick<OllamaChatModelSettings, "provider" | "apiKey">,
): OllamaChatModel {
  return new OllamaChatModel({
    ...modelSettings(parsed, config, where),
    ...own,
    numCtx: config.numCtx,
    keepAlive: config.keepAlive,
  });
}

export const ollamaBackend: BackendDescriptor = {
  prefix: "ollama",
  examples: ["ollama:qwen3:4b"],
  environment: [OLLAMA_HOST, OLLAMA_API_KEY],
  endpoints: (_parsed, config) =>
    config.baseUrl ? [normalizeOllamaHost(config.baseUrl)] : ollamaHosts(environmentOf(config)),
  create: (parsed, config, where) =>
    createOllama(parsed, config, where, { provider: "ollama", apiKey: optionalKey(config, OLLAMA_API_KEY) }),
  costsMoney: () => false,
  check: (parsed, context) => checkOllama(parsed, context, false, OLLAMA_API_KEY),
};

export const ollamaCloudBackend: BackendDescriptor = {
  prefix: "ollama-cloud",
  examples: ["ollama-cloud:gpt-oss:120b"],
  environment: [OLLAMA_API_KEY],
  endpoints: (_parsed, config) => oneEndpoint(config, undefined, OLLAMA_CLOUD_HOST),
  create: (parsed, config, where) =>
    createOllama(parsed, config, where, {
      provider: "ollama-cloud",
      apiKey: requiredKey(config, OLLAMA_API_KEY, "Ollama Cloud"),
    }),
  costsMoney: () => true,
  check: (parsed, context) => checkOllama(parsed, context, true, OLLAMA_API_KEY),
};
