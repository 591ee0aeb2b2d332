import type { ChatMessage, ChatOptions } from "../types.js";

/** The `/api/chat` body. `numCtx` is undefined only for Ollama Cloud, which sizes the window itself. */
export function buildOllamaBody(
  model: string,
  messages: ChatMessage[],
  options: ChatOptions,
  settings: { numCtx: number | undefined; keepAlive: string | number | undefined; stream: boolean },
): { body: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const modelOptions: Record<string, unknown> = {};
  if (settings.numCtx !== undefined) modelOptions.num_ctx = settings.numCtx;
  if (options.temperature !== undefined) modelOptions.temperature = options.temperature;
  if (options.maxTokens !== undefined) modelOptions.num_predict = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) modelOptions.stop = options.stop;
  const body: Record<string, unknown> = { model, messages, stream: settings.stream, options: modelOptions };
  if (options.jsonSchema !== undefined) body.format = options.jsonSchema;
  if (options.think !== undefined) body.think = options.think;
  if (settings.keepAlive !== undefined) body.keep_alive = settings.keepAlive;
  if (options.grammar !== undefined)
    warnings.push("grammar is only supported by the llamacpp backend; it was ignored");
  return { body, warnings };
}
