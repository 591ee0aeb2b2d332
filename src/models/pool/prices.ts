import type { Price } from "../types.js";

/**
 * Approximate list prices in USD per million tokens (input / output) for a few well-known hosted
 * models, as published by the vendors in 2025. Prices change: pass `prices` to the pool for
 * figures you rely on. Names match by longest prefix, so dated snapshots (`claude-sonnet-4-5-20250929`)
 * find their family.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  "gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "gpt-5-nano": { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "claude-opus-4": { inputPerMillion: 15, outputPerMillion: 75 },
  "claude-sonnet-4": { inputPerMillion: 3, outputPerMillion: 15 },
  "claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
  "claude-3-5-haiku": { inputPerMillion: 0.8, outputPerMillion: 4 },
};

/** Providers that run on the user's own hardware: always free (so are OpenAI-compatible servers on private addresses). */
const LOCAL_PROVIDERS = new Set(["ollama", "llamacpp"]);

export type PriceLookup =
  | { price: Price; source: "configured" | "default" | "local" }
  | { price: undefined; source: "unknown" };

function longestPrefixMatch(table: Readonly<Record<string, Price>>, name: string): Price | undefined {
  let bestName = "";
  for (const candidate of Object.keys(table)) {
    if (name.startsWith(candidate) && candidate.length > bestName.length) bestName = candidate;
  }
  return bestName === "" ? undefined : table[bestName];
}

/** Loopback and private-network hosts: an OpenAI-compatible server there (vLLM, llama.cpp) is the user's own. */
const PRIVATE_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|[\w-]+\.local)$/;

/** Whether every base URL of an `openai-compatible:` spec (one, or a fleet) points at the user's own machines. */
function servedLocally(spec: string): boolean {
  const rest = spec.slice(spec.indexOf(":") + 1);
  const hash = rest.lastIndexOf("#");
  return (hash >= 0 ? rest.slice(0, hash) : rest).split(",").every((url) => {
    try {
      return PRIVATE_HOST.test(new URL(url.trim()).hostname);
    } catch {
      return false;
    }
  });
}

/** The provider prefix and model name of a spec (`openai:gpt-5-mini` -> openai, gpt-5-mini). */
export function splitSpec(spec: string): { provider: string; model: string } {
  const colon = spec.indexOf(":");
  if (colon < 0) return { provider: "", model: spec };
  const provider = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  const hash = rest.lastIndexOf("#");
  return { provider, model: hash >= 0 ? rest.slice(hash + 1) : rest };
}

/** Configured prices (by full spec, then model name), local providers, then the default table. */
export function lookupPrice(spec: string, configured: Record<string, Price> | undefined): PriceLookup {
  const { provider, model } = splitSpec(spec);
  const own = configured?.[spec] ?? configured?.[model];
  if (own !== undefined) return { price: own, source: "configured" };
  if (LOCAL_PROVIDERS.has(provider) || (provider === "openai-compatible" && servedLocally(spec))) {
    return { price: { inputPerMillion: 0, outputPerMillion: 0 }, source: "local" };
  }
  if (provider === "openai" || provider === "anthropic") {
    const known = longestPrefixMatch(DEFAULT_PRICES, model);
    if (known !== undefined) return { price: known, source: "default" };
  }
  return { price: undefined, source: "unknown" };
}

export function costUsd(price: Price | undefined, promptTokens: number, completionTokens: number): number {
  if (price === undefined) return 0;
  return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1_000_000;
}
