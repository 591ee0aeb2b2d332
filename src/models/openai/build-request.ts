import type { ChatMessage, ChatOptions } from "../types.js";

/** OpenAI reasoning models reject `temperature` and take `reasoning_effort` instead. */
function isOpenAIReasoningModel(model: string): boolean {
  return /^(gpt-5|o\d)/.test(model);
}

/**
 * The Chat Completions body for a call. `official` is api.openai.com (`openai:`), which wants
 * `max_completion_tokens`; other servers (vLLM, llama.cpp, LM Studio) all take `max_tokens`.
 */
export function buildChatBody(
  model: string,
  official: boolean,
  messages: ChatMessage[],
  options: ChatOptions,
  stream: boolean,
): { body: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const body: Record<string, unknown> = { model, messages };
  const reasoningModel = official && isOpenAIReasoningModel(model);
  if (options.temperature !== undefined) {
    if (reasoningModel) warnings.push(`temperature is not supported by ${model}; it was left out`);
    else body.temperature = options.temperature;
  }
  if (options.maxTokens !== undefined)
    body[official ? "max_completion_tokens" : "max_tokens"] = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
  if (options.jsonSchema !== undefined) {
    // OpenAI's strict mode rejects schemas that allow extra properties; ask for it only when it holds.
    const strict = options.jsonSchema.additionalProperties === false;
    body.response_format = {
      type: "json_schema",
      json_schema: { name: "reply", schema: options.jsonSchema, strict },
    };
  }
  if (options.grammar !== undefined)
    warnings.push("grammar is only supported by the llamacpp backend; it was ignored");
  if (options.think !== undefined) {
    if (reasoningModel)
      body.reasoning_effort = options.think ? "medium" : model.startsWith("gpt-5") ? "minimal" : "low";
    else if (official) warnings.push(`think is not supported by ${model}; it was ignored`);
    // vLLM and llama.cpp pass these to the chat template (Qwen3's enable_thinking switch).
    else body.chat_template_kwargs = { enable_thinking: options.think };
  }
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { body, warnings };
}
