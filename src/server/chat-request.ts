import { z } from "zod";
import type { ChatContextMessage } from "../inputs/index.js";
import { HttpError } from "./http-error.js";

/**
 * The subset of OpenAI's Chat Completions request that an RLM can honour, plus two extension
 * fields: `rlm_context` (the context, when it should not travel as messages) and `rlm_limits`
 * (per-request limits, never above the server's own). Unknown OpenAI fields (temperature, tools...)
 * are accepted and ignored, as other OpenAI-compatible servers do.
 */

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const filePart = z.object({
  type: z.literal("file"),
  file: z.object({
    /** A data URL (`data:application/pdf;base64,...`) or bare base64. */
    file_data: z.string().min(1),
    filename: z.string().optional(),
  }),
});
export const contentPartSchema = z.union([textPart, filePart]);
export type ContentPart = z.infer<typeof contentPartSchema>;

const messageSchema = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]),
});
export type RequestMessage = z.infer<typeof messageSchema>;

export const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    rlm_context: z.union([z.string(), z.array(z.string()), z.record(z.string())]).optional(),
    rlm_limits: z
      .object({
        maxIterations: z.number().int().positive().optional(),
        maxTokens: z.number().int().positive().optional(),
        maxCostUsd: z.number().positive().optional(),
        timeoutMs: z.number().int().positive().optional(),
        maxSubCalls: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .passthrough();

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Validates a parsed body, with the first problem named the way OpenAI names it (`param`). */
export function parseChatRequest(body: unknown): ChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? issue.path.join(".") : "";
  const message = issue ? `Invalid request: ${param || "body"}: ${issue.message}` : "Invalid request";
  throw new HttpError("invalid-request", message, {
    param: param || undefined,
    hint: "Send a Chat Completions body: {model, messages: [{role, content}], stream?}.",
  });
}

function partsOf(content: RequestMessage["content"]): ChatContextMessage["parts"] {
  if (content === null) return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part) =>
    part.type === "text"
      ? { type: "text", text: part.text }
      : { type: "file", data: part.file.file_data, filename: part.file.filename },
  );
}

/** A request's messages as `chatContext` reads them (`rlm serve` and OpenAI lines of `rlm batch`). */
export function chatMessagesOf(messages: RequestMessage[]): ChatContextMessage[] {
  return messages.map((message) => ({ role: message.role, parts: partsOf(message.content) }));
}
