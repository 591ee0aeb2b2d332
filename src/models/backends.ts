import { anthropicBackend } from "./anthropic/backend.js";
import type { BackendDescriptor, EnvironmentVariable, ParsedSpec } from "./backend.js";
import { llamacppBackend } from "./llamacpp/backend.js";
import { ollamaBackend, ollamaCloudBackend } from "./ollama/backend.js";
import { openaiBackend, openaiCompatibleBackend } from "./openai/backend.js";

/**
 * The model backends, one descriptor each (`backend.ts`). Everything that depends on which
 * backends exist reads this list: spec parsing, `createModel`, the pool's endpoints and prices,
 * known context windows, the config file's `backends` keys, the environment variables, `rlm doctor`.
 * A new backend is a `<name>/backend.ts` and one line here.
 */
export const BACKENDS: readonly BackendDescriptor[] = [
  ollamaBackend,
  ollamaCloudBackend,
  openaiBackend,
  openaiCompatibleBackend,
  anthropicBackend,
  llamacppBackend,
];

export function findBackend(prefix: string): BackendDescriptor | undefined {
  return BACKENDS.find((backend) => backend.prefix === prefix);
}

/** The backend of a spec `parseModelSpec` accepted. */
export function backendOf(parsed: ParsedSpec): BackendDescriptor {
  const backend = findBackend(parsed.provider);
  if (backend === undefined) throw new Error(`No backend has the prefix "${parsed.provider}".`);
  return backend;
}

/** Every environment variable the backends read, each once, in the order of the list. */
export const BACKEND_ENVIRONMENT: readonly EnvironmentVariable[] = [
  ...new Map(BACKENDS.flatMap((backend) => backend.environment).map((entry) => [entry.name, entry])).values(),
];
