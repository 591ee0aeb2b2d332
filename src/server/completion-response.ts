import { randomUUID } from "node:crypto";
import type { Limits } from "../budget/index.js";
import type { CompletionResult } from "../rlm/types.js";
import type { StopReason } from "../trace/types.js";

/**
 * Chat Completions response bodies built from an RLM result: the plain `chat.completion` object
 * and the `chat.completion.chunk` events of a stream, in OpenAI's exact shapes. Usage sums every
 * model the run called (root and sub-calls); the per-model detail and the run's own numbers travel
 * in an `rlm` extension field that OpenAI clients ignore.
 */

export function completionId(): string {
  return `chatcmpl-rlm-${randomUUID().replaceAll("-", "")}`;
}

/** An answer is a normal stop; a limit that cut the run short is reported like a length cut. */
export function finishReasonOf(stopReason: StopReason): "stop" | "length" {
  return stopReason === "answer" ? "stop" : "length";
}

export function usageOf(result: CompletionResult) {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const totals of Object.values(result.usage)) {
    promptTokens += totals.promptTokens;
    completionTokens += totals.completionTokens;
  }
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** `limits`: the limits the run had, after `rlm_limits` was applied (a request sees what it got). */
export function rlmDetails(result: CompletionResult, limits?: Limits) {
  return {
    stop_reason: result.stopReason,
    iterations: result.iterations,
    sub_calls: result.subCalls,
    depth: result.depth,
    elapsed_ms: Math.round(result.elapsedMs),
    usage: result.usage,
    ...(limits ? { limits } : {}),
  };
}

export function completionBody(
  id: string,
  model: string,
  created: number,
  result: CompletionResult,
  limits?: Limits,
) {
  return {
    id,
    object: "chat.completion" as const,
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: result.answer, refusal: null },
        logprobs: null,
        finish_reason: finishReasonOf(result.stopReason),
      },
    ],
    usage: usageOf(result),
    rlm: rlmDetails(result, limits),
  };
}

/** Builds the SSE events of one streamed completion. */
export class ChunkWriter {
  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
  ) {}

  private event(fields: Record<string, unknown>): string {
    return `data: ${JSON.stringify({ id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, ...fields })}\n\n`;
  }

  delta(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return this.event({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  }

  usage(result: CompletionResult): string {
    return this.event({ choices: [], usage: usageOf(result), rlm: rlmDetails(result) });
  }

  /** An SSE comment: ignored by clients, keeps proxies from timing out and shows progress to curl. */
  static comment(text: string): string {
    return `: ${text.replace(/\n/g, " ")}\n\n`;
  }

  static done(): string {
    return "data: [DONE]\n\n";
  }
}

/** Splits the answer into a few word-aligned pieces so streaming clients render it progressively. */
export function answerPieces(answer: string, pieceLength = 64): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < answer.length) {
    let end = Math.min(answer.length, start + pieceLength);
    const space = answer.indexOf(" ", end);
    if (end < answer.length && space >= 0 && space - end < 32) end = space + 1;
    pieces.push(answer.slice(start, end));
    start = end;
  }
  return pieces;
}
