import type {
  JSONValue,
  LanguageModelV4FilePart,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
  SharedV4Warning,
} from "@ai-sdk/provider";
import { InvalidPromptError } from "@ai-sdk/provider";
import type { ChatContextMessage, ChatContextPart } from "../inputs/index.js";

/**
 * The AI SDK's prompt (`LanguageModelV4Prompt`) as the chat messages `chatContext` reads
 * (`src/inputs/chat-context.ts`, the rule `rlm serve` applies too): text parts stay text; file parts
 * become files (bytes, base64 or inline text; PDFs are read as text, binaries refused there); tool
 * results become text. What an RLM cannot read is left out with an `unsupported` warning: images,
 * audio and video, tool calls, and files given only as a URL or a provider reference (the SDK
 * downloads URLs before the call, because `supportedUrls` is empty).
 */

/** Media types that are never text: the RLM's context is text. */
const NOT_TEXT = /^(image|audio|video)(\/|$)/i;

export interface ConvertedPrompt {
  messages: ChatContextMessage[];
  warnings: SharedV4Warning[];
}

function fileOf(part: LanguageModelV4FilePart, warnings: SharedV4Warning[]): ChatContextPart | undefined {
  const name = part.filename ?? "A file";
  if (NOT_TEXT.test(part.mediaType)) {
    warnings.push({
      type: "unsupported",
      feature: `file parts of type ${part.mediaType}`,
      details: `${name} was left out: an RLM reads text (text files, JSON, CSV, PDF...), not images, audio or video.`,
    });
    return undefined;
  }
  const data = part.data;
  if (data.type === "data") return { type: "file", filename: part.filename, data: data.data };
  if (data.type === "text") return { type: "file", filename: part.filename, text: data.text };
  throw new InvalidPromptError({
    prompt: part,
    message: `${name} is given as a ${data.type === "url" ? "URL" : "provider reference"}, which an RLM cannot read: pass its bytes or its text.`,
  });
}

function jsonText(value: JSONValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function toolOutputText(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return jsonText(output.value);
    case "execution-denied":
      return output.reason ?? "";
    case "content":
      return output.value
        .map((part) => (part.type === "text" ? part.text : ""))
        .filter((text) => text !== "")
        .join("\n");
  }
}

export function convertPrompt(prompt: LanguageModelV4Prompt): ConvertedPrompt {
  const warnings: SharedV4Warning[] = [];
  let toolCalls = 0;
  const messages = prompt.map((message): ChatContextMessage => {
    if (message.role === "system")
      return { role: "system", parts: [{ type: "text", text: message.content }] };
    if (message.role === "tool") {
      const parts: ChatContextPart[] = [];
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const text = toolOutputText(part.output);
        if (text !== "") parts.push({ type: "text", text });
      }
      return { role: "tool", parts };
    }
    const parts: ChatContextPart[] = [];
    for (const part of message.content) {
      if (part.type === "text") parts.push({ type: "text", text: part.text });
      else if (part.type === "file") {
        const file = fileOf(part, warnings);
        if (file) parts.push(file);
      } else if (part.type === "tool-call") toolCalls++;
      // Reasoning parts are a model's own thinking, not the document: left out.
    }
    return { role: message.role, parts };
  });
  if (toolCalls > 0) {
    warnings.push({
      type: "unsupported",
      feature: "tool calls in the prompt",
      details: `${toolCalls} tool call(s) in assistant messages were left out (their results are read as text).`,
    });
  }
  return { messages, warnings };
}
