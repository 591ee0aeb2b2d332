import { RlmError } from "../errors/index.js";
import { AnthropicChatModel } from "./anthropic/anthropic-chat-model.js";
import { missingApiKeyError } from "./errors.js";
import type { HttpOptions } from "./http/index.js";
import { environmentOf, type ModelConfig } from "./model-config.js";
import { OllamaChatModel } from "./ollama/ollama-chat-model.js";
import { normalizeOllamaHost, OLLAMA_CLOUD_HOST, ollamaHosts } from "./ollama/ollama-host.js";
import { OpenAIChatModel } from "./openai/openai-chat-model.js";
import { type ParsedSpec, parseModelSpec } from "./spec.js";
import type { LanguageModel } from "./types.js";

const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The base URLs a spec can be served from: several for `ollama:` when OLLAMA_HOST lists a fleet,
 * one otherwise (none for in-process llama.cpp). The pool creates one model per endpoint with
 * `createModel(spec, { ...config, baseUrl })`.
 */
export function resolveEndpoints(spec: string | ParsedSpec, config: ModelConfig = {}): string[] {
  const parsed = typeof spec === "string" ? parseModelSpec(spec) : spec;
  const environment = environmentOf(config);
  switch (parsed.provider) {
    case "ollama":
      return config.baseUrl ? [normalizeOllamaHost(config.baseUrl)] : ollamaHosts(environment);
    case "ollama-cloud":
      return [trimSlash(config.baseUrl ?? OLLAMA_CLOUD_HOST)];
    case "openai":
      return [trimSlash(config.baseUrl ?? environment.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL)];
    case "openai-compatible":
      // A fleet may be listed in the spec itself: `openai-compatible:http://a/v1,http://b/v1#m`.
      return (config.baseUrl ?? parsed.baseUrl)
        .split(",")
        .map((url) => trimSlash(url.trim()))
        .filter((url) => url !== "");
    case "anthropic":
      return [trimSlash(config.baseUrl ?? environment.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com")];
    case "llamacpp":
      return [];
  }
}

/** The organisation and project the official client also reads from the environment. */
function withOpenAIAccountHeaders(
  http: HttpOptions | undefined,
  environment: Record<string, string | undefined>,
) {
  const headers: Record<string, string> = {};
  if (environment.OPENAI_ORG_ID) headers["openai-organization"] = environment.OPENAI_ORG_ID;
  if (environment.OPENAI_PROJECT_ID) headers["openai-project"] = environment.OPENAI_PROJECT_ID;
  if (Object.keys(headers).length === 0) return http;
  return { ...http, headers: { ...headers, ...http?.headers } };
}

function checkWholeNumber(name: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value > 0)) return;
  throw new RlmError(
    "invalid-config",
    `Model config ${name} must be a whole number of tokens above 0, got ${value}.`,
    {
      hint: `Fix ${name} in the model config (for example 32768), or leave it out to use what the server reports.`,
    },
  );
}

function requireKey(config: ModelConfig, variable: string, provider: string): string {
  const key = config.apiKey ?? environmentOf(config)[variable];
  if (!key) throw missingApiKeyError(provider, variable);
  return key;
}

/**
 * A LanguageModel from a spec string (`ollama:qwen3:4b`, `openai-compatible:http://h:8000/v1#m`...),
 * configured from the environment users already have. Nothing is contacted or loaded until the
 * first call (the embedded llama.cpp backend is imported then); a missing API key fails here,
 * before any work starts.
 */
export function createModel(spec: string, config: ModelConfig = {}): LanguageModel {
  const parsed = parseModelSpec(spec);
  checkWholeNumber("contextWindow", config.contextWindow);
  checkWholeNumber("numCtx", config.numCtx);
  const environment = environmentOf(config);
  const [baseUrl = ""] = resolveEndpoints(parsed, config);
  switch (parsed.provider) {
    case "ollama":
    case "ollama-cloud": {
      const cloud = parsed.provider === "ollama-cloud";
      return new OllamaChatModel({
        spec: parsed.spec,
        provider: parsed.provider,
        model: parsed.model,
        baseUrl,
        apiKey: cloud
          ? requireKey(config, "OLLAMA_API_KEY", "Ollama Cloud")
          : (config.apiKey ?? environment.OLLAMA_API_KEY),
        contextWindow: config.contextWindow,
        numCtx: config.numCtx,
        keepAlive: config.keepAlive,
        http: config.http,
      });
    }
    case "openai":
    case "openai-compatible": {
      const official = parsed.provider === "openai";
      // A compatible server gets its own variable: sending OPENAI_API_KEY to any host would leak it.
      const variable = official ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY";
      return new OpenAIChatModel({
        spec: parsed.spec,
        provider: parsed.provider,
        model: parsed.model,
        baseUrl,
        apiKey: official ? requireKey(config, variable, "OpenAI") : (config.apiKey ?? environment[variable]),
        apiKeyVariable: variable,
        contextWindow: config.contextWindow,
        http: official ? withOpenAIAccountHeaders(config.http, environment) : config.http,
      });
    }
    case "anthropic":
      return new AnthropicChatModel({
        spec: parsed.spec,
        model: parsed.model,
        baseUrl,
        apiKey: requireKey(config, "ANTHROPIC_API_KEY", "Anthropic"),
        contextWindow: config.contextWindow,
        http: config.http,
      });
    case "llamacpp":
      return lazyModel(parsed.spec, () => loadLlamaCpp(parsed, config));
  }
}

/** A model whose backend loads on first use, so `createModel` stays synchronous and import-free. */
function lazyModel(spec: string, load: () => Promise<LanguageModel>): LanguageModel {
  let loaded: Promise<LanguageModel> | undefined;
  const get = (): Promise<LanguageModel> => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  return {
    spec,
    chat: async (messages, options) => (await get()).chat(messages, options),
    stream: async function* (messages, options) {
      yield* (await get()).stream(messages, options);
    },
    info: async (options) => (await get()).info(options),
  };
}

async function loadLlamaCpp(parsed: ParsedSpec, config: ModelConfig): Promise<LanguageModel> {
  // Imported on first use: the backend pulls in node-llama-cpp, an optional dependency with a large native part.
  const { createLlamaCppModel } = await import("./llamacpp/index.js");
  return createLlamaCppModel({
    ...config.llamacpp,
    contextSize: config.llamacpp?.contextSize ?? config.contextWindow,
    model: parsed.model,
    spec: parsed.spec,
  });
}
