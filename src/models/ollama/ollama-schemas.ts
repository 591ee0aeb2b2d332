import { z } from "zod";

/** The parts of Ollama's native API replies we read (docs/api.md); other fields pass through. */

const messageSchema = z
  .object({ content: z.string().nullish(), thinking: z.string().nullish() })
  .passthrough();

/** One `/api/chat` reply, or one NDJSON line of a streamed reply (`done: true` on the last). */
export const chatLineSchema = z
  .object({
    message: messageSchema.nullish(),
    done: z.boolean().nullish(),
    done_reason: z.string().nullish(),
    prompt_eval_count: z.number().nullish(),
    eval_count: z.number().nullish(),
    /** A failure reported inside a stream that already answered 200. */
    error: z.string().nullish(),
  })
  .passthrough();

export type OllamaChatLine = z.infer<typeof chatLineSchema>;

export const showSchema = z.object({ model_info: z.record(z.unknown()).nullish() }).passthrough();

/** `/api/ps`: the models loaded now, with the context each was loaded with (newer servers). */
export const psSchema = z
  .object({
    models: z.array(
      z
        .object({
          name: z.string().nullish(),
          model: z.string().nullish(),
          context_length: z.number().nullish(),
        })
        .passthrough(),
    ),
  })
  .passthrough();
