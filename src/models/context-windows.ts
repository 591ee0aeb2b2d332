import { BACKENDS } from "./backends.js";
import { longestPrefixMatch } from "./by-prefix.js";

/**
 * Context windows of well-known models, for when no server says (OpenAI, Anthropic, a server
 * without the field): the open-weight families here, a hosted vendor's own in its backend's
 * descriptor. Matched by the longest name prefix; `DEFAULT_CONTEXT_WINDOW` when nothing matches
 * (a conservative guess: set `contextWindow` in the model config to use more).
 */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

const OPEN_WEIGHT_WINDOWS: Readonly<Record<string, number>> = {
  "gpt-oss": 131_072,
  qwen3: 40_960,
  "llama3.1": 131_072,
  "llama3.2": 131_072,
  deepseek: 128_000,
  gemma3: 131_072,
};

/** The known window for a model name (a vendor path like `openai/gpt-4o` is stripped), else undefined. */
export function knownContextWindow(model: string): number | undefined {
  const name = (model.split("/").pop() ?? model).toLowerCase();
  const tables = [OPEN_WEIGHT_WINDOWS, ...BACKENDS.map((backend) => backend.contextWindows)];
  return longestPrefixMatch(tables, name);
}
