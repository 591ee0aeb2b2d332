import type {
  ChatChunk,
  ChatMessage,
  ChatOptions,
  ChatResult,
  LanguageModel,
  Price,
  Usage,
  UsageTotals,
} from "../types.js";
import { costUsd, lookupPrice } from "./prices.js";

/** Usage totals per model spec, counted from what each backend reported (never estimated). */
export class UsageCounter {
  private readonly totals = new Map<string, UsageTotals>();

  private entry(spec: string): UsageTotals {
    let totals = this.totals.get(spec);
    if (totals === undefined) {
      totals = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, cachedCalls: 0 };
      this.totals.set(spec, totals);
    }
    return totals;
  }

  record(spec: string, usage: Usage, price: Price | undefined): void {
    const totals = this.entry(spec);
    totals.calls++;
    totals.promptTokens += usage.promptTokens;
    totals.completionTokens += usage.completionTokens;
    totals.costUsd += costUsd(price, usage.promptTokens, usage.completionTokens);
  }

  recordCached(spec: string): void {
    const totals = this.entry(spec);
    totals.cachedCalls = (totals.cachedCalls ?? 0) + 1;
  }

  snapshot(): Record<string, UsageTotals> {
    const copy: Record<string, UsageTotals> = {};
    for (const [spec, totals] of this.totals) copy[spec] = { ...totals };
    return copy;
  }
}

/**
 * Counts every completed call of `model` (chat, and streams once their `finish` chunk arrives). A
 * remote model without a known price costs 0, and its first result carries a warning saying so.
 */
export function withUsage(
  model: LanguageModel,
  counter: UsageCounter,
  prices?: Record<string, Price>,
): LanguageModel {
  const lookup = lookupPrice(model.spec, prices);
  let warned = lookup.source !== "unknown";
  const priceWarning = (): string[] => {
    if (warned) return [];
    warned = true;
    return [
      `No price known for ${model.spec}; its cost is counted as $0. Pass prices to the model pool to count it.`,
    ];
  };
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const result = await model.chat(messages, options);
      counter.record(model.spec, result.usage, lookup.price);
      const warnings = priceWarning();
      return warnings.length === 0
        ? result
        : { ...result, warnings: [...(result.warnings ?? []), ...warnings] };
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      for await (const chunk of model.stream(messages, options)) {
        if (chunk.type === "finish") {
          counter.record(model.spec, chunk.usage, lookup.price);
        }
        yield chunk;
      }
    },
  };
}
