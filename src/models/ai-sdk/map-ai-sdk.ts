import type {
  LanguageModelV3GenerateResult,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4Usage,
  SharedV4Warning,
} from "@ai-sdk/provider";
import { splitThinkTags } from "../reasoning.js";
import type { ChatResult, FinishReason, Usage } from "../types.js";

/** V3's usage, finish reason and warnings have V4's shape (V4 adds the `interrupted` reason). */
export type AiSdkGenerateResult = LanguageModelV4GenerateResult | LanguageModelV3GenerateResult;

function sum(...parts: (number | undefined)[]): number | undefined {
  const known = parts.filter((part): part is number => part !== undefined);
  return known.length === 0 ? undefined : known.reduce((total, part) => total + part, 0);
}

/** Input and output tokens: the totals, else the sum of the parts the provider gave, else 0. */
export function mapUsage(usage: LanguageModelV4Usage): Usage {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  return {
    promptTokens: input.total ?? sum(input.noCache, input.cacheRead) ?? 0,
    completionTokens: output.total ?? sum(output.text, output.reasoning) ?? 0,
  };
}

/** True when the provider reported no token counts at all (they are then counted as 0). */
export function usageMissing(usage: LanguageModelV4Usage): boolean {
  return usage.inputTokens.total === undefined && usage.outputTokens.total === undefined;
}

/**
 * The unified finish reason. `tool-calls` (no tools are ever offered) is `other`; `interrupted`
 * (the reply is incomplete) is not mapped here: the model raises `stream-interrupted` for it.
 */
export function mapFinishReason(reason: LanguageModelV4FinishReason): FinishReason {
  switch (reason.unified) {
    case "stop":
    case "length":
    case "content-filter":
    case "error":
      return reason.unified;
    default:
      return "other";
  }
}

export function warningText(warning: SharedV4Warning): string {
  switch (warning.type) {
    case "unsupported":
      return `${warning.feature} is not supported${warning.details ? `: ${warning.details}` : ""}`;
    case "compatibility":
      return `${warning.feature} is used in a compatibility mode${warning.details ? `: ${warning.details}` : ""}`;
    case "deprecated":
      return `${warning.setting} is deprecated: ${warning.message}`;
    default:
      return warning.message;
  }
}

/**
 * A `doGenerate` result as a ChatResult: the text parts joined as the answer, reasoning parts (and
 * any `<think>` block a server left in the text) as `reasoning`; tool calls, files and sources
 * are not part of this contract and are dropped.
 */
export function chatResultOf(result: AiSdkGenerateResult, callWarnings: string[]): ChatResult {
  let text = "";
  let reasoning = "";
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
  }
  const split = splitThinkTags(text);
  const allReasoning = reasoning + (split.reasoning ?? "");
  const warnings = [...callWarnings, ...result.warnings.map(warningText)];
  if (usageMissing(result.usage)) warnings.push("the provider did not report token usage; counted as 0");
  return {
    text: split.text,
    ...(allReasoning ? { reasoning: allReasoning } : {}),
    usage: mapUsage(result.usage),
    finishReason: mapFinishReason(result.finishReason),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
