/**
 * The fan-out preflight. One `llm_query_batched` of 10,000 prompts can spend a budget in seconds,
 * so the sandbox shows each batch to this handler whole, before any prompt goes out (`onBatch`,
 * src/sandbox/types.ts). It estimates the batch's tokens (the characters over a chars-per-token
 * ratio: no backend exposes its tokenizer, so the ratio is calibrated on this run's own replies of
 * that model once there are some), its cost (the pool's price table) and its time (waves of
 * `concurrency` calls), checks them against what is left of every limit of the run, and refuses a
 * batch that cannot fit with an error that Python raises, stating the estimate, what is left and
 * what to do. `dry_run=True` gets the estimate back as a dict. Every batch is recorded in its code
 * block's trajectory entry with its estimate and, once its replies are in, what it actually took.
 */

import { sumUsage } from "../budget/index.js";
import { specOf } from "../models/model-ref.js";
import { costUsd, lookupPrice } from "../models/pool/prices.js";
import type { UsageTotals } from "../models/types.js";
import type { BatchHandler, BatchRequest } from "../sandbox/types.js";
import type { BatchEstimate, BatchRecord } from "../trace/types.js";
import { allowedModelsOf } from "./allowed-models.js";
import type { RlmNode, SandboxSeat } from "./node.js";
import { modelForDepth } from "./options.js";

/** Characters per token before this run has seen a reply of the model: English prose runs about 4. */
export const DEFAULT_CHARS_PER_TOKEN = 4;
/** Tokens a chat message costs beyond its text (role, template), added to the default ratio's count. */
const MESSAGE_OVERHEAD_TOKENS = 8;
/** The reply expected of a sub-call before this run has seen one (under the reply cap). */
const DEFAULT_REPLY_TOKENS = 256;
/** Seconds one wave of concurrent calls is assumed to take before this run has timed one. */
const DEFAULT_WAVE_SECONDS = 1;
/** The pool's default (create-model-pool.ts). */
const DEFAULT_CONCURRENCY = 16;

interface Observed {
  calls: number;
  promptChars: number;
  promptTokens: number;
  completionTokens: number;
  /** Batches timed, and the seconds their waves took in all. */
  waves: number;
  waveSeconds: number;
  /** Single calls timed (a batch's first wave is not known apart: each call counts). */
  callSeconds: number;
}

/** What this run has seen of each sub-model's replies: the ratio, reply length and time to calibrate on. */
export class SubCallCalibration {
  private readonly byModel = new Map<string, Observed>();

  /** One sub-call that came back with usage. */
  call(
    model: string,
    promptChars: number,
    usage: { promptTokens: number; completionTokens: number },
    seconds: number,
  ): void {
    const seen = this.of(model);
    seen.calls++;
    seen.promptChars += promptChars;
    seen.promptTokens += usage.promptTokens;
    seen.completionTokens += usage.completionTokens;
    seen.callSeconds += seconds;
  }

  /** One batch that went out in `waves` waves and took `seconds`. */
  batch(model: string, waves: number, seconds: number): void {
    const seen = this.of(model);
    seen.waves += waves;
    seen.waveSeconds += seconds;
  }

  /** Characters per token (calibrated once a reply reported prompt tokens). */
  ratio(model: string): { charsPerToken: number; calibrated: boolean } {
    const seen = this.byModel.get(model);
    if (seen === undefined || seen.promptTokens <= 0 || seen.promptChars <= 0)
      return { charsPerToken: DEFAULT_CHARS_PER_TOKEN, calibrated: false };
    return { charsPerToken: seen.promptChars / seen.promptTokens, calibrated: true };
  }

  replyTokens(model: string): number | undefined {
    const seen = this.byModel.get(model);
    return seen === undefined || seen.calls === 0 ? undefined : seen.completionTokens / seen.calls;
  }

  waveSeconds(model: string): number {
    const seen = this.byModel.get(model);
    if (seen !== undefined && seen.waves > 0) return seen.waveSeconds / seen.waves;
    if (seen !== undefined && seen.calls > 0) return seen.callSeconds / seen.calls;
    return DEFAULT_WAVE_SECONDS;
  }

  private of(model: string): Observed {
    let seen = this.byModel.get(model);
    if (seen === undefined) {
      seen = {
        calls: 0,
        promptChars: 0,
        promptTokens: 0,
        completionTokens: 0,
        waves: 0,
        waveSeconds: 0,
        callSeconds: 0,
      };
      this.byModel.set(model, seen);
    }
    return seen;
  }
}

/** The preflight for the node seated in a sandbox (see query-handler.ts for the calls themselves). */
export function createBatchHandler(seat: SandboxSeat): BatchHandler {
  return async (request) => {
    const node = seat.node;
    // Outside a completion the calls themselves say so; nothing to check against.
    if (node === undefined) return { estimate: {} };
    const estimate = estimateBatch(node, request);
    const record: BatchRecord = { estimate, ...(request.dryRun ? { dry_run: true } : {}) };
    node.calls.batches.push(record);
    if (request.dryRun) return { estimate: { ...estimate } };
    if (!estimate.fits) {
      record.refused = refusal(request, estimate);
      throw new Error(record.refused);
    }
    const { run } = node;
    const before = run.pool.usage()[estimate.model];
    const started = performance.now();
    return {
      estimate: { ...estimate },
      settled: (results) => {
        const seconds = (performance.now() - started) / 1000;
        const spent = difference(run.pool.usage()[estimate.model], before);
        record.actual = {
          input_tokens: spent.promptTokens,
          output_tokens: spent.completionTokens,
          tokens: spent.promptTokens + spent.completionTokens,
          cost_usd: spent.costUsd,
          seconds,
          failed: results.filter((result) => !result.ok).length,
        };
        run.calibration.batch(
          estimate.model,
          Math.ceil(request.prompts.length / estimate.concurrency),
          seconds,
        );
      },
    };
  };
}

/** The estimate of `request` against what is left of the run's limits. */
export function estimateBatch(node: RlmNode, request: BatchRequest): BatchEstimate {
  const { run } = node;
  const { options, budget, limits } = run;
  const recursive = request.kind === "rlm" && node.depth + 1 < run.maxDepth;
  const model = specOf(
    chosenModel(node, request.model) ?? (recursive ? modelForDepth(options, node.depth + 1) : run.subModel),
  );
  const count = request.prompts.length;
  let promptChars = 0;
  for (const prompt of request.prompts) promptChars += prompt.length;
  const { charsPerToken, calibrated } = run.calibration.ratio(model);
  const inputTokens =
    Math.ceil(promptChars / charsPerToken) + (calibrated ? 0 : MESSAGE_OVERHEAD_TOKENS * count);
  const cap = options.subOptions?.maxTokens ?? node.replyTokens.sub;
  const perReply = Math.min(cap, run.calibration.replyTokens(model) ?? DEFAULT_REPLY_TOKENS);
  const outputTokens = Math.ceil(perReply * count);
  const tokens = inputTokens + outputTokens;
  const price = lookupPrice(model, options.pool?.prices);
  const cost = price.price === undefined ? null : costUsd(price.price, inputTokens, outputTokens);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const wave = run.calibration.waveSeconds(model);
  const seconds = Math.ceil(count / concurrency) * wave;

  const spent = sumUsage(budget.usage());
  const left = {
    sub_calls: limits.maxSubCalls === undefined ? null : Math.max(0, limits.maxSubCalls - budget.subCalls),
    tokens:
      limits.maxTokens === undefined
        ? null
        : Math.max(0, limits.maxTokens - spent.promptTokens - spent.completionTokens),
    cost_usd: limits.maxCostUsd === undefined ? null : Math.max(0, limits.maxCostUsd - spent.costUsd),
    seconds: budget.deadline === undefined ? null : Math.max(0, (budget.deadline - Date.now()) / 1000),
  };
  // How many prompts of this batch's average size each limit lets through.
  const perPrompt = count === 0 ? 0 : tokens / count;
  const perPromptCost = cost === null || count === 0 ? 0 : cost / count;
  const fitting: Record<string, number | null> = {
    sub_calls: left.sub_calls,
    // Child RLMs' own tokens, cost and time are unknown: only the sub-call count is checked for them.
    tokens: recursive || left.tokens === null || perPrompt === 0 ? null : Math.floor(left.tokens / perPrompt),
    cost_usd:
      recursive || left.cost_usd === null || perPromptCost === 0
        ? null
        : Math.floor(left.cost_usd / perPromptCost),
    seconds: recursive || left.seconds === null ? null : Math.floor(left.seconds / wave) * concurrency,
  };
  const over = Object.entries(fitting)
    .filter(([, fits]) => fits !== null && count > fits)
    .map(([name]) => name);
  const bounds = Object.values(fitting).filter((fits): fits is number => fits !== null);
  return {
    kind: recursive ? "rlm" : "llm",
    model,
    prompts: count,
    prompt_chars: promptChars,
    chars_per_token: round(charsPerToken, 2),
    calibrated,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    tokens,
    max_output_tokens: cap * count,
    cost_usd: cost === null ? null : round(cost, 6),
    price: price.source,
    concurrency,
    seconds: round(seconds, 1),
    left: {
      ...left,
      cost_usd: left.cost_usd === null ? null : round(left.cost_usd, 6),
      seconds: left.seconds === null ? null : round(left.seconds, 1),
    },
    fits: over.length === 0,
    over,
    max_prompts: bounds.length === 0 ? null : Math.max(0, Math.min(...bounds)),
  };
}

/** The model a `model=` name resolves to; a name that is not allowed is left to the calls to refuse. */
function chosenModel(node: RlmNode, requested: string | undefined) {
  if (requested === undefined) return undefined;
  try {
    return allowedModelsOf(node.run.options).resolve(requested);
  } catch {
    return undefined;
  }
}

const LIMIT_WORDS: Record<string, string> = {
  sub_calls: "sub-calls",
  tokens: "tokens",
  cost_usd: "cost",
  seconds: "time",
};

/** What Python raises for a batch that cannot fit: the estimate, what is left, and what to do. */
export function refusal(request: BatchRequest, estimate: BatchEstimate): string {
  const name = request.kind === "rlm" ? "rlm_query_batched" : "llm_query_batched";
  const { left } = estimate;
  const cost = estimate.cost_usd === null ? "an unknown cost" : `~$${estimate.cost_usd}`;
  const needs = `${estimate.prompts} sub-calls, ~${estimate.tokens} tokens, ${cost} and ~${estimate.seconds} s at ${estimate.concurrency} at a time`;
  const leftParts = [
    left.sub_calls === null ? undefined : `${left.sub_calls} sub-calls`,
    left.tokens === null ? undefined : `${left.tokens} tokens`,
    left.cost_usd === null ? undefined : `$${left.cost_usd}`,
    left.seconds === null ? undefined : `${left.seconds} s`,
  ].filter((part) => part !== undefined);
  const fit =
    estimate.max_prompts !== null && estimate.max_prompts > 0
      ? `about ${estimate.max_prompts} prompts of this size fit`
      : "no prompt of this size fits";
  return (
    `${name} refused, nothing was sent: ${estimate.prompts} prompts (${estimate.prompt_chars} characters) ` +
    `are estimated at ${needs}; left: ${leftParts.join(", ")}. ` +
    `Over the ${estimate.over.map((limit) => LIMIT_WORDS[limit] ?? limit).join(", ")} limit. ` +
    `Send fewer, larger chunks (${fit}), or read less of the context. ` +
    `${name}(prompts, dry_run=True) returns this estimate and sends nothing.`
  );
}

function difference(after: UsageTotals | undefined, before: UsageTotals | undefined): UsageTotals {
  return {
    calls: (after?.calls ?? 0) - (before?.calls ?? 0),
    promptTokens: (after?.promptTokens ?? 0) - (before?.promptTokens ?? 0),
    completionTokens: (after?.completionTokens ?? 0) - (before?.completionTokens ?? 0),
    costUsd: (after?.costUsd ?? 0) - (before?.costUsd ?? 0),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
