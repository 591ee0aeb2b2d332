import { type JsonRequest, postJson, readJson } from "../http/index.js";
import type { OllamaChatModelSettings } from "./ollama-chat-model.js";
import { psSchema, showSchema } from "./ollama-schemas.js";

type RequestFor = (
  path: string,
  body: Record<string, unknown> | undefined,
  signal: AbortSignal,
) => JsonRequest;

/** What a model's context is: the most it can take, and what it is loaded with right now. */
export interface OllamaContext {
  window: number;
  /** `num_ctx` the running model was loaded with (`/api/ps`), when loaded and the server says. */
  loaded: number | undefined;
}

/**
 * The window from `/api/show` (`model_info["<arch>.context_length"]`, which also proves the model
 * is pulled: a 404 here says `ollama pull`), and the loaded context from `/api/ps`, so `num_ctx`
 * can start there instead of forcing a reload to a smaller one.
 */
export async function fetchOllamaContext(
  settings: OllamaChatModelSettings,
  requestFor: RequestFor,
  signal: AbortSignal,
): Promise<OllamaContext> {
  if (settings.contextWindow !== undefined) return { window: settings.contextWindow, loaded: undefined };
  const request = requestFor("/api/show", { model: settings.model }, signal);
  const show = await readJson(await postJson(request), showSchema, request.url, signal);
  const info = show.model_info ?? {};
  const architecture = info["general.architecture"];
  const exact = typeof architecture === "string" ? info[`${architecture}.context_length`] : undefined;
  const any = Object.entries(info).find(([key]) => key.endsWith(".context_length"))?.[1];
  const value = typeof exact === "number" ? exact : any;
  const window = typeof value === "number" && value > 0 ? value : settings.fallbackWindow;
  const loaded =
    settings.provider === "ollama-cloud" ? undefined : await loadedContext(settings, requestFor, signal);
  return { window, loaded };
}

async function loadedContext(
  settings: OllamaChatModelSettings,
  requestFor: RequestFor,
  signal: AbortSignal,
): Promise<number | undefined> {
  try {
    const request = requestFor("/api/ps", undefined, signal);
    const running = await readJson(await postJson(request), psSchema, request.url, signal);
    const name = settings.model.includes(":") ? settings.model : `${settings.model}:latest`;
    return (
      running.models.find((entry) => entry.name === name || entry.model === name)?.context_length ?? undefined
    );
  } catch {
    // Older servers lack /api/ps context_length; starting from the default size is still correct.
    return undefined;
  }
}
