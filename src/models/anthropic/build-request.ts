import type { ChatMessage, ChatOptions } from "../types.js";

/** Older Claude 3 models cap replies at 4 096 tokens; newer ones allow far more. */
function defaultMaxTokens(model: string): number {
  return /^claude-3-(haiku|sonnet|opus)/.test(model) ? 4_096 : 8_192;
}

/** The smallest thinking budget Anthropic accepts. */
const MIN_THINKING_BUDGET = 1_024;

/**
 * The Messages body. Anthropic takes the system prompt apart from the turns and requires
 * `max_tokens`; thinking needs a token budget below `max_tokens` and no custom temperature.
 */
export function buildAnthropicBody(
  model: string,
  messages: ChatMessage[],
  options: ChatOptions,
  stream: boolean,
): { body: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const system = messages.filter((message) => message.role === "system").map((message) => message.content);
  const turns: Array<{ role: string; content: unknown }> = messages
    .filter((message) => message.role !== "system")
    .map((message) => ({ role: message.role, content: message.content }));
  // A conversation (the RLM's root) is sent again with one more turn each time: mark its end so
  // the next call reads the whole prefix from Anthropic's prompt cache. One-shot calls are left
  // unmarked, since writing a cache entry costs more than a plain prompt.
  const conversation = turns.some((turn) => turn.role === "assistant");
  const last = turns.at(-1);
  if (conversation && last && typeof last.content === "string") {
    last.content = [{ type: "text", text: last.content, cache_control: { type: "ephemeral" } }];
  }
  let maxTokens = options.maxTokens ?? defaultMaxTokens(model);
  const body: Record<string, unknown> = { model, messages: turns };
  if (system.length > 0) {
    const text = system.join("\n\n");
    body.system = conversation ? [{ type: "text", text, cache_control: { type: "ephemeral" } }] : text;
  }
  if (options.think === true) {
    if (maxTokens <= MIN_THINKING_BUDGET) maxTokens = MIN_THINKING_BUDGET * 2;
    body.thinking = {
      type: "enabled",
      budget_tokens: Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens / 2)),
    };
    if (options.temperature !== undefined)
      warnings.push("temperature cannot be set while thinking; it was left out");
  } else if (options.temperature !== undefined) {
    body.temperature = options.temperature;
  }
  body.max_tokens = maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) body.stop_sequences = options.stop;
  if (options.jsonSchema !== undefined)
    warnings.push("jsonSchema is not supported by the Anthropic backend; it was ignored");
  if (options.grammar !== undefined)
    warnings.push("grammar is only supported by the llamacpp backend; it was ignored");
  if (stream) body.stream = true;
  return { body, warnings };
}
