import { bearer, type JsonRequest } from "../http/index.js";
import { mapOllamaFailure } from "./map-ollama.js";
import type { OllamaChatModelSettings } from "./ollama-chat-model.js";

/** One request to an Ollama server (local or cloud), with the errors and hints that fit it. */
export function ollamaRequest(
  settings: OllamaChatModelSettings,
  path: string,
  body: Record<string, unknown> | undefined,
  signal: AbortSignal | undefined,
): JsonRequest {
  const { baseUrl, apiKey, model } = settings;
  const cloud = settings.provider === "ollama-cloud";
  return {
    url: `${baseUrl}${path}`,
    body,
    signal,
    http: settings.http,
    headers: bearer(apiKey),
    network: cloud
      ? {
          target: `Ollama Cloud at ${baseUrl}`,
          unreachableHint: "Check the network connection to ollama.com.",
        }
      : {
          target: `Ollama at ${baseUrl}`,
          unreachableHint: `Start Ollama with \`ollama serve\`, or set OLLAMA_HOST to where it runs (now ${baseUrl}).`,
        },
    authHint: "Set OLLAMA_API_KEY to a key from https://ollama.com/settings/keys.",
    mapError: (failure) => mapOllamaFailure(failure, model, cloud),
  };
}
