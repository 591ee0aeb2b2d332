import type { ErrorCode } from "../errors/index.js";
import type { BackendCheck, Endpoint, EnvironmentVariable, ModelSettings, ParsedSpec } from "./backend.js";
import { missingApiKeyError } from "./errors.js";
import { environmentOf, type ModelConfig } from "./model-config.js";

/** What the backends' descriptors share: base URLs, keys, and the shapes of `rlm doctor`'s findings. */

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** One base URL: the config's, else the variable's (when the backend has one), else the default. */
export function oneEndpoint(
  config: ModelConfig,
  variable: EnvironmentVariable | undefined,
  fallback: string,
): string[] {
  const fromEnvironment = variable === undefined ? undefined : environmentOf(config)[variable.name];
  return [trimSlash(config.baseUrl ?? fromEnvironment ?? fallback)];
}

/** The settings every network model shares, from the spec, the config and the endpoint. */
export function modelSettings(parsed: ParsedSpec, config: ModelConfig, where: Endpoint): ModelSettings {
  return {
    spec: parsed.spec,
    model: parsed.model,
    baseUrl: where.baseUrl,
    contextWindow: config.contextWindow,
    fallbackWindow: where.fallbackWindow,
    http: config.http,
  };
}

/** The API key from the config, else the variable; undefined when neither has one. */
export function optionalKey(config: ModelConfig, variable: EnvironmentVariable): string | undefined {
  return config.apiKey ?? environmentOf(config)[variable.name];
}

/** The API key a hosted backend cannot work without: a missing one fails before any work starts. */
export function requiredKey(config: ModelConfig, variable: EnvironmentVariable, provider: string): string {
  const key = optionalKey(config, variable);
  if (!key) throw missingApiKeyError(provider, variable.name);
  return key;
}

/** The finding for a key the backend needs and the environment lacks; `value` shows its form. */
export function missingKey(variable: EnvironmentVariable, value: string): BackendCheck {
  return {
    status: "fail",
    code: "missing-api-key",
    detail: `${variable.name} is not set.`,
    fix: `export ${variable.name}=${value}`,
  };
}

export function failed(code: ErrorCode, detail: string, fix: string): BackendCheck {
  return { status: "fail", code, detail, fix };
}

/** A refused key (401/403). */
export function keyRefused(detail: string, variable: EnvironmentVariable): BackendCheck {
  return failed("authentication-failed", detail, `Check ${variable.name}.`);
}
