import { z } from "zod";
import { RlmError } from "../../errors/index.js";
import { bearer, postJson, readJson } from "../http/index.js";
import type { OpenAIChatModelSettings } from "./openai-chat-model.js";
import { modelListSchema } from "./openai-schemas.js";

/** Fields servers use for the window in their `/models` list: vLLM, OpenRouter, LM Studio. */
function windowFromEntry(entry: Record<string, unknown>): number | undefined {
  for (const key of ["max_model_len", "context_length", "context_window", "max_context_length"]) {
    const value = entry[key];
    if (typeof value === "number" && value > 0) return value;
  }
  return undefined;
}

/** llama.cpp server: `/models` only has the training context; `/props` has the window per slot. */
async function llamaCppWindow(
  settings: OpenAIChatModelSettings,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const url = `${settings.baseUrl.replace(/\/v1$/, "")}/props`;
  const response = await postJson({ url, signal, http: settings.http, network: networkOf(settings) });
  const props = await readJson(response, propsSchema, url, signal);
  return props.default_generation_settings?.n_ctx ?? props.n_ctx ?? undefined;
}

const propsSchema = z
  .object({
    default_generation_settings: z.object({ n_ctx: z.number().positive().nullish() }).passthrough().nullish(),
    n_ctx: z.number().positive().nullish(),
  })
  .passthrough();

function networkOf(settings: OpenAIChatModelSettings) {
  return {
    target: `the server at ${settings.baseUrl}`,
    unreachableHint: `Check that ${settings.baseUrl} is up.`,
  };
}

/**
 * The real window: the config's, else what an OpenAI-compatible server reports in `/models`,
 * else the fallback (the table of known models, else a default). A server without `/models` is fine.
 */
export async function resolveOpenAIContextWindow(
  settings: OpenAIChatModelSettings,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (settings.contextWindow !== undefined) return settings.contextWindow;
  if (settings.provider === "openai-compatible") {
    const url = `${settings.baseUrl}/models`;
    try {
      const response = await postJson({
        url,
        signal,
        http: settings.http,
        headers: bearer(settings.apiKey),
        network: networkOf(settings),
      });
      const list = await readJson(response, modelListSchema, url, signal);
      const entry =
        list.data.find((item) => item.id === settings.model) ??
        (list.data.length === 1 ? list.data[0] : undefined);
      const reported = entry ? windowFromEntry(entry) : undefined;
      if (reported !== undefined) return reported;
      if (entry?.meta !== undefined) {
        const served = await llamaCppWindow(settings, signal).catch(() => undefined);
        if (served !== undefined) return served;
      }
    } catch (error) {
      // Nothing listening is worth saying now; a server without a usable /models falls back to the table.
      if (signal?.aborted || (error instanceof RlmError && error.code === "backend-unreachable")) throw error;
    }
  }
  return settings.fallbackWindow;
}
