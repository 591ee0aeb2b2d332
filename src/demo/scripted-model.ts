/**
 * `scripted:demo`: the SCRIPTED model behind `rlm demo`. It is not a language model: it plays the
 * root (the conversation has the RLM system prompt; `scripted-root.ts` writes the Python) and the
 * sub-model (a bare prompt; `scripted-reader.ts` reads the excerpt in it), so the demo runs the
 * real machinery (the loop, the sandbox, the sub-calls, the trajectory) with no model server.
 * It implements the `LanguageModel` contract in-process, counts usage from text length (about
 * four characters a token) and waits a little per call, as a small local model would, so the
 * progress line has something to show. What it answers says nothing about any real model.
 */

import { RlmError } from "../errors/index.js";
import type {
  ChatChunk,
  ChatMessage,
  ChatOptions,
  ChatResult,
  LanguageModel,
  ModelInfo,
} from "../models/types.js";
import { readerReply } from "./scripted-reader.js";
import { readRootView, rootReply } from "./scripted-root.js";

export const SCRIPTED_DEMO_SPEC = "scripted:demo";

/** The window it reports (tokens): a small local model's, so a long document must be split. */
const CONTEXT_WINDOW = 8_192;

export interface ScriptedDemoOptions {
  /** Multiplies the simulated thinking time; 0 answers at once (tests). Default 1. */
  latency?: number;
}

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The compaction request's summary: the lines its own code printed, which is what it reads back. */
function condense(transcript: string): string {
  const kept = transcript
    .split("\n")
    .filter((line) =>
      /^(type|length|lines|chunks|answers|failed|found in|incidents|unconfirmed): /.test(line),
    );
  return kept.length > 0 ? kept.join("\n") : "Nothing found yet.";
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new RlmError("aborted", "The scripted model's call was cancelled."));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, milliseconds);
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });
}

export class ScriptedDemoModel implements LanguageModel {
  readonly spec = SCRIPTED_DEMO_SPEC;
  private readonly latency: number;

  constructor(options: ScriptedDemoOptions = {}) {
    this.latency = options.latency ?? 1;
  }

  /** The reply and how long a small model would take over it (before `latency`). */
  reply(messages: readonly ChatMessage[]): { text: string; thinkingMs: number } {
    const system = messages.find((message) => message.role === "system")?.content;
    const last = messages.at(-1)?.content ?? "";
    if (system === undefined) {
      // A sub-call: reading the prompt takes time in proportion to its length.
      return { text: readerReply(last), thinkingMs: 150 + tokens(last) / 30 };
    }
    if (system.startsWith("You condense")) return { text: condense(last), thinkingMs: 400 };
    const text = rootReply(readRootView(messages));
    // Writing code: a root turn takes longer, with its length.
    return { text, thinkingMs: Math.min(1_500, 350 + tokens(text) * 3) };
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    options.signal?.throwIfAborted();
    const { text, thinkingMs } = this.reply(messages);
    await sleep(Math.round(thinkingMs * this.latency), options.signal);
    const prompt = messages.reduce((total, message) => total + tokens(message.content), 0);
    return { text, usage: { promptTokens: prompt, completionTokens: tokens(text) }, finishReason: "stop" };
  }

  async *stream(messages: ChatMessage[], options: ChatOptions = {}): AsyncIterable<ChatChunk> {
    const result = await this.chat(messages, options);
    yield { type: "text-delta", text: result.text };
    yield { type: "finish", usage: result.usage, finishReason: result.finishReason };
  }

  async info(): Promise<ModelInfo> {
    return { spec: this.spec, provider: "scripted", model: "demo", contextWindow: CONTEXT_WINDOW };
  }
}
