import { parseAiSdkSpec } from "../ai-sdk/ai-sdk-spec.js";
import type { ParsedSpec } from "../backend.js";
import { BACKENDS, backendOf, findBackend } from "../backends.js";
import { longestPrefixMatch } from "../by-prefix.js";
import { parseModelSpec } from "../spec.js";
import type { Price } from "../types.js";

/**
 * The list prices the backends know (USD per million tokens, input / output), for a few
 * well-known hosted models. Prices change: pass `prices` to the pool for figures you rely on.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze(
  Object.assign({}, ...BACKENDS.map((backend) => backend.prices ?? {})),
);

export type PriceLookup =
  | { price: Price; source: "configured" | "default" | "local" }
  | { price: undefined; source: "unknown" };

/**
 * The provider prefix and model name of any spec, a caller's own model's too
 * (`openai-compatible:http://h/v1#m` -> m, `ai-sdk:openai.chat:gpt-4o` -> gpt-4o).
 */
export function splitSpec(spec: string): { provider: string; model: string } {
  const aiSdk = parseAiSdkSpec(spec);
  if (aiSdk !== undefined) return { provider: aiSdk.provider, model: aiSdk.modelId };
  const colon = spec.indexOf(":");
  if (colon < 0) return { provider: "", model: spec };
  const provider = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  const hash = rest.lastIndexOf("#");
  return { provider, model: hash >= 0 ? rest.slice(hash + 1) : rest };
}

function parsedOrUndefined(spec: string): ParsedSpec | undefined {
  const aiSdk = parseAiSdkSpec(spec);
  if (aiSdk !== undefined) {
    // An AI SDK model is priced as the backend of its vendor prices it (`openai.chat` -> openai:),
    // when there is one; any other provider's is unknown (counted as $0, with a warning).
    const vendor = aiSdk.provider.split(".")[0] ?? "";
    return findBackend(vendor) === undefined ? undefined : { provider: vendor, spec, model: aiSdk.modelId };
  }
  try {
    return parseModelSpec(spec);
  } catch {
    return undefined;
  }
}

/**
 * Configured prices (by full spec, then model name), then the backend's word: free on the user's
 * own hardware, else its list price of the model when it has one.
 */
export function lookupPrice(spec: string, configured: Record<string, Price> | undefined): PriceLookup {
  const own = configured?.[spec] ?? configured?.[splitSpec(spec).model];
  if (own !== undefined) return { price: own, source: "configured" };
  const parsed = parsedOrUndefined(spec);
  if (parsed === undefined) return { price: undefined, source: "unknown" };
  const backend = backendOf(parsed);
  if (!backend.costsMoney(parsed))
    return { price: { inputPerMillion: 0, outputPerMillion: 0 }, source: "local" };
  const known = longestPrefixMatch([backend.prices], parsed.model);
  return known === undefined ? { price: undefined, source: "unknown" } : { price: known, source: "default" };
}

export function costUsd(price: Price | undefined, promptTokens: number, completionTokens: number): number {
  if (price === undefined) return 0;
  return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1_000_000;
}
