import type { JSONSchema7, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { ChatMessage, ChatOptions } from "../types.js";

type TextPart = { type: "text"; text: string };

/** A text-only prompt, which both specifications (V3 and V4) take as it is. */
type TextPrompt = Array<
  | { role: "system"; content: string }
  | { role: "user"; content: TextPart[] }
  | { role: "assistant"; content: TextPart[] }
>;

/** The call options both specifications share, for this project's messages and options. */
export interface CommonCallOptions {
  prompt: TextPrompt;
  temperature?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  responseFormat?: { type: "json"; schema: JSONSchema7; name: string };
  abortSignal?: AbortSignal;
}

export interface AiSdkCall {
  options: CommonCallOptions;
  /** V4 only (V3 has no such option): `think` as the AI SDK's reasoning level. */
  reasoning: LanguageModelV4CallOptions["reasoning"];
  /** Settings the call has no place for (vercel/ai style: said, never thrown). */
  warnings: string[];
}

function promptOf(messages: ChatMessage[]): TextPrompt {
  return messages.map((message) => {
    if (message.role === "system") return { role: "system", content: message.content };
    const content = [{ type: "text" as const, text: message.content }];
    return message.role === "user" ? { role: "user", content } : { role: "assistant", content };
  });
}

/**
 * The AI SDK call for `messages` and `options`. `timeoutMs` and `recording` are the pool's, not
 * the model's; `grammar` (llama.cpp only) and, for V3 models, `think` become warnings.
 */
export function buildCall(
  version: "v4" | "v3",
  messages: ChatMessage[],
  options: ChatOptions,
  signal: AbortSignal | undefined,
): AiSdkCall {
  const warnings: string[] = [];
  const call: CommonCallOptions = { prompt: promptOf(messages) };
  if (options.temperature !== undefined) call.temperature = options.temperature;
  if (options.maxTokens !== undefined) call.maxOutputTokens = options.maxTokens;
  if (options.stop !== undefined) call.stopSequences = options.stop;
  if (options.jsonSchema !== undefined)
    call.responseFormat = { type: "json", schema: options.jsonSchema as JSONSchema7, name: "reply" };
  if (signal !== undefined) call.abortSignal = signal;
  if (options.grammar !== undefined)
    warnings.push("grammar is only supported by the llamacpp backend; it was ignored");
  let reasoning: AiSdkCall["reasoning"];
  if (options.think !== undefined) {
    // Whether to think: "medium" when on, the level the openai backend asks for too.
    if (version === "v4") reasoning = options.think ? "medium" : "none";
    else
      warnings.push(
        "think is not supported by AI SDK V3 models (they have no reasoning option); it was ignored",
      );
  }
  return { options: call, reasoning, warnings };
}
