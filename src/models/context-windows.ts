/**
 * Context windows of well-known hosted models, for backends whose server cannot tell us (OpenAI,
 * Anthropic). Matched by the longest name prefix; `DEFAULT_CONTEXT_WINDOW` when nothing matches
 * (a conservative guess: set `contextWindow` in the model config to use more).
 */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

const KNOWN_CONTEXT_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ["gpt-5", 400_000],
  ["gpt-4.1", 1_047_576],
  ["gpt-4o", 128_000],
  ["gpt-4-turbo", 128_000],
  ["gpt-4", 8_192],
  ["gpt-3.5-turbo", 16_385],
  ["gpt-oss", 131_072],
  ["o1", 200_000],
  ["o3", 200_000],
  ["o4", 200_000],
  ["claude", 200_000],
  ["qwen3", 40_960],
  ["llama3.1", 131_072],
  ["llama3.2", 131_072],
  ["deepseek", 128_000],
  ["gemma3", 131_072],
];

/** The known window for a model name (a vendor path like `openai/gpt-4o` is stripped), else undefined. */
export function knownContextWindow(model: string): number | undefined {
  const name = (model.split("/").pop() ?? model).toLowerCase();
  let best: readonly [string, number] | undefined;
  for (const entry of KNOWN_CONTEXT_WINDOWS) {
    if (name.startsWith(entry[0]) && (best === undefined || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}
