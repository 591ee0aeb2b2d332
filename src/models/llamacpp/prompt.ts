import type { ChatHistoryItem } from "node-llama-cpp";
import { RlmError } from "../../errors/index.js";
import { ContextOverflowError } from "../errors.js";
import type { ChatMessage } from "../types.js";
import type { LlamaModel } from "./loaded-models.js";

/** Tokens a chat template adds around each message (role markers), counted generously. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;

/** Splits messages into the history a LlamaChatSession starts from and the user prompt it answers. */
export function toChatHistory(messages: ChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const last = messages.at(-1);
  if (last === undefined || last.role !== "user") {
    throw new RlmError("invalid-request", "A llamacpp chat call must end with a user message.", {
      hint: "Put the question in a final message with role user.",
    });
  }
  const history = messages.slice(0, -1).map((message): ChatHistoryItem => {
    if (message.role === "system") return { type: "system", text: message.content };
    if (message.role === "user") return { type: "user", text: message.content };
    return { type: "model", response: [message.content] };
  });
  return { history, prompt: last.content };
}

/** The raw text a model without a chat template continues: the messages' contents, one after another. */
export function toCompletionPrompt(messages: ChatMessage[]): string {
  if (messages.length === 0) {
    throw new RlmError("invalid-request", "A llamacpp call needs at least one message.", {
      hint: "Pass the prompt as a user message.",
    });
  }
  return messages.map((message) => message.content).join("\n\n");
}

/** The prompt's tokens, plus the template's markers around each message in chat mode (counted generously). */
export function countPromptTokens(model: LlamaModel, messages: ChatMessage[], chat: boolean): number {
  let tokens = 0;
  for (const message of messages) {
    tokens += model.tokenize(message.content).length + (chat ? TEMPLATE_TOKENS_PER_MESSAGE : 0);
  }
  return tokens;
}

/** What raises the window, for hints: the option's name wherever it can be set, and how far. */
export function raiseContextHint(model: LlamaModel, contextSize: number): string {
  const trained = model.trainContextSize;
  return contextSize < trained
    ? `raise contextSize (rlm: --llama-context-size, RLM_LLAMA_CONTEXT_SIZE or llamacpp.contextSize in the config file) from ${contextSize} up to the model's training context of ${trained} tokens`
    : `use a model with a larger window: this one was trained with ${trained} tokens and the context already holds ${contextSize}`;
}

/**
 * Counts the prompt's tokens (plus the template's markers in chat mode) and refuses a prompt that
 * leaves no room to answer, instead of letting the context shift silently drop its beginning.
 */
export function checkPromptFits(
  model: LlamaModel,
  messages: ChatMessage[],
  contextSize: number,
  chat: boolean,
): number {
  const tokens = countPromptTokens(model, messages, chat);
  if (tokens >= contextSize) {
    throw new ContextOverflowError(
      `The prompt has about ${tokens} tokens and the llama.cpp context holds ${contextSize}.`,
      {
        promptTokens: tokens,
        contextWindow: contextSize,
        hint: `Send a shorter prompt, or ${raiseContextHint(model, contextSize)}.`,
      },
    );
  }
  return tokens;
}
