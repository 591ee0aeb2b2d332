import type { Price } from "../types.js";

/**
 * OpenAI's models: context windows (its API does not report them) and list prices in USD per
 * million tokens (input / output), as published in 2025. Prices change: pass `prices` to the pool
 * for figures you rely on. Both match by the longest name prefix, so dated snapshots
 * (`gpt-5-mini-2025-08-07`) find their family.
 */
export const OPENAI_CONTEXT_WINDOWS: Readonly<Record<string, number>> = {
  "gpt-5": 400_000,
  "gpt-4.1": 1_047_576,
  "gpt-4o": 128_000,
  "gpt-4-turbo": 128_000,
  "gpt-4": 8_192,
  "gpt-3.5-turbo": 16_385,
  o1: 200_000,
  o3: 200_000,
  o4: 200_000,
};

export const OPENAI_PRICES: Readonly<Record<string, Price>> = {
  "gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "gpt-5-nano": { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
};
