import { z } from "zod";

/** The parts of OpenAI Chat Completions replies we read; everything else passes through unchecked. */

const usageSchema = z
  .object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() })
  .passthrough()
  .nullish();

export const completionSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z
              .object({
                content: z.string().nullish(),
                reasoning_content: z.string().nullish(),
                reasoning: z.string().nullish(),
              })
              .passthrough(),
            finish_reason: z.string().nullish(),
          })
          .passthrough(),
      )
      .min(1),
    usage: usageSchema,
  })
  .passthrough();

export const chunkSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            delta: z
              .object({
                content: z.string().nullish(),
                reasoning_content: z.string().nullish(),
                reasoning: z.string().nullish(),
              })
              .passthrough()
              .nullish(),
            finish_reason: z.string().nullish(),
          })
          .passthrough(),
      )
      .nullish(),
    usage: usageSchema,
    /** Some servers (vLLM, OpenRouter) report a failure inside the stream. */
    error: z
      .object({ message: z.string().nullish(), code: z.unknown(), type: z.string().nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export const modelListSchema = z
  .object({ data: z.array(z.object({ id: z.string() }).passthrough()) })
  .passthrough();

export type OpenAIUsage = z.infer<typeof usageSchema>;
