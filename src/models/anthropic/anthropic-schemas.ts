import { z } from "zod";

/** The parts of Anthropic Messages replies and stream events we read; other fields pass through. */

const usageSchema = z
  .object({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  })
  .passthrough();

export type AnthropicUsage = z.infer<typeof usageSchema>;

const contentBlockSchema = z
  .object({ type: z.string(), text: z.string().nullish(), thinking: z.string().nullish() })
  .passthrough();

export const messageSchema = z
  .object({ content: z.array(contentBlockSchema), stop_reason: z.string().nullish(), usage: usageSchema })
  .passthrough();

/** One stream event's data; which fields are present depends on `type`. */
export const streamEventSchema = z
  .object({
    type: z.string(),
    message: z.object({ usage: usageSchema.nullish() }).passthrough().nullish(),
    delta: z
      .object({
        type: z.string().nullish(),
        text: z.string().nullish(),
        thinking: z.string().nullish(),
        stop_reason: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    usage: usageSchema.nullish(),
    error: z.object({ type: z.string().nullish(), message: z.string().nullish() }).passthrough().nullish(),
  })
  .passthrough();
