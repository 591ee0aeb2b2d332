import type { LanguageModelV3, LanguageModelV4 } from "@ai-sdk/provider";

/**
 * A language model of the Vercel AI SDK: the current specification (V4, what `ai` 7 and its
 * providers make) or the previous one (V3, `ai` 6). V2 models (`ai` 5) are not accepted.
 */
export type AiSdkLanguageModel = LanguageModelV4 | LanguageModelV3;

const SUPPORTED_VERSIONS: readonly string[] = ["v4", "v3"];

/** The prefix of the spec an AI SDK model goes by: `ai-sdk:${provider}:${modelId}`. */
export const AI_SDK_PREFIX = "ai-sdk";

/** True for an object that looks like an AI SDK language model, whatever its specification version. */
function looksLikeAiSdkModel(value: unknown): value is { specificationVersion: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    "specificationVersion" in value &&
    typeof (value as { doGenerate?: unknown }).doGenerate === "function"
  );
}

/** True for an AI SDK language model this adapter accepts (V4 or V3). */
export function isAiSdkModel(value: unknown): value is AiSdkLanguageModel {
  return looksLikeAiSdkModel(value) && SUPPORTED_VERSIONS.includes(String(value.specificationVersion));
}

/** The specification version of an AI SDK model this adapter does not accept (`v2`), else undefined. */
export function unsupportedAiSdkVersion(value: unknown): string | undefined {
  return looksLikeAiSdkModel(value) && !isAiSdkModel(value) ? String(value.specificationVersion) : undefined;
}

/** The spec naming an AI SDK model in usage, trajectories and `model=`: `ai-sdk:openai.chat:gpt-4o-mini`. */
export function aiSdkSpec(model: AiSdkLanguageModel): string {
  return `${AI_SDK_PREFIX}:${model.provider}:${model.modelId}`;
}

/**
 * The provider and model id in an `ai-sdk:` spec, else undefined. Provider ids have no colon
 * (`openai.chat`, `anthropic.messages`); the model id keeps its own (`qwen3:4b`).
 */
export function parseAiSdkSpec(spec: string): { provider: string; modelId: string } | undefined {
  const prefix = `${AI_SDK_PREFIX}:`;
  if (!spec.startsWith(prefix)) return undefined;
  const rest = spec.slice(prefix.length);
  const colon = rest.indexOf(":");
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { provider: rest.slice(0, colon), modelId: rest.slice(colon + 1) };
}
