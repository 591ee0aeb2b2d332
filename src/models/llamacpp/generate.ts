import { RlmError } from "../../errors/index.js";
import type { ChatMessage, ChatOptions, ChatResult, FinishReason } from "../types.js";
import { grammarFor } from "./grammar.js";
import { isOutOfMemory, outOfMemoryError } from "./llama-errors.js";
import { loadNodeLlamaCpp, takeRecentLlamaLog } from "./load-library.js";
import type { LoadedModel } from "./loaded-models.js";
import { checkPromptFits, toChatHistory, toCompletionPrompt } from "./prompt.js";

export interface GenerationSink {
  onText(text: string): void;
  onReasoning(text: string): void;
}

type StopReason =
  | "eogToken"
  | "stopGenerationTrigger"
  | "customStopTrigger"
  | "maxTokens"
  | "abort"
  | "functionCalls";

function finishReason(stopReason: StopReason): FinishReason {
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "functionCalls") return "other";
  return "stop";
}

function generationError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof RlmError) return error;
  const log = takeRecentLlamaLog();
  if (isOutOfMemory(error, log)) return outOfMemoryError("while generating", error, log);
  return new RlmError(
    "llamacpp-error",
    `llama.cpp failed while generating: ${String(error)}${log ? ` (llama.cpp: ${log})` : ""}`,
    {
      hint: "This is usually a resource problem (memory, context size): try a smaller contextSize (rlm: --llama-context-size) or model.",
      cause: error,
    },
  );
}

/**
 * One generation on a free sequence of the model's context. Models with a chat template answer the
 * messages through a LlamaChatSession (thinking segments go to `onReasoning`); models without one
 * (base models such as stories260K) continue the raw text through LlamaCompletion.
 */
export async function generate(
  loaded: LoadedModel,
  messages: ChatMessage[],
  options: ChatOptions | undefined,
  sink: GenerationSink,
): Promise<ChatResult> {
  const chat = loaded.hasChatTemplate;
  const promptTokens = checkPromptFits(loaded.model, messages, loaded.contextSize, chat);
  const grammar = await grammarFor(loaded.llama, options);
  const signal = options?.signal;
  // Never past the end of the context: a chat session would otherwise shift it, silently dropping
  // the start of the conversation. Without a cap, generation stops when the context is full.
  const room = Math.min(options?.maxTokens ?? Number.POSITIVE_INFINITY, loaded.contextSize - promptTokens);
  const warnings =
    options?.maxTokens !== undefined && room < options.maxTokens
      ? [
          `maxTokens ${options.maxTokens} lowered to ${room}: that is all the room the llama.cpp context has left.`,
        ]
      : [];
  const sequence = await loaded.sequences.acquire(signal);
  const before = sequence.tokenMeter.getState();
  const common = {
    signal,
    maxTokens: room,
    temperature: options?.temperature,
    grammar,
    customStopTriggers: options?.stop,
  };
  let stopReason: StopReason;
  try {
    if (chat) {
      const { LlamaChatSession } = await loadNodeLlamaCpp();
      const { history, prompt } = toChatHistory(messages);
      const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
      try {
        session.setChatHistory(history);
        const reply = await session.promptWithMeta(prompt, {
          ...common,
          budgets: options?.think === false ? { thoughtTokens: 0 } : undefined,
          onResponseChunk: (chunk) => {
            if (chunk.type === undefined) sink.onText(chunk.text);
            else sink.onReasoning(chunk.text);
          },
        });
        stopReason = reply.stopReason;
      } finally {
        session.dispose({ disposeSequence: false });
      }
    } else {
      const { LlamaCompletion } = await loadNodeLlamaCpp();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      try {
        const reply = await completion.generateCompletionWithMeta(toCompletionPrompt(messages), {
          ...common,
          disableContextShift: true,
          onTextChunk: (text) => sink.onText(text),
        });
        stopReason = reply.metadata.stopReason;
      } finally {
        completion.dispose();
      }
    }
    if (stopReason === "abort") throw signal?.reason;
    const used = sequence.tokenMeter.diff(before);
    return {
      text: "",
      usage: { promptTokens: used.usedInputTokens, completionTokens: used.usedOutputTokens },
      finishReason: finishReason(stopReason),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } catch (error) {
    throw generationError(error, signal);
  } finally {
    await loaded.sequences.release(sequence);
  }
}
