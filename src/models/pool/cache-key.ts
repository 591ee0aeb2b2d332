import { createHash } from "node:crypto";
import type { ChatMessage, ChatOptions } from "../types.js";

/** JSON with object keys sorted, so equal options always hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The cache key of a call: a sha256 of the model spec, the messages and every option that can
 * change the reply. Signals, timeouts and the run's record are left out: they change whether a reply
 * arrives, not which.
 */
export function cacheKey(spec: string, messages: ChatMessage[], options: ChatOptions | undefined): string {
  const { signal: _signal, timeoutMs: _timeoutMs, recording: _recording, ...replyOptions } = options ?? {};
  const material = canonicalJson({
    version: 1,
    spec,
    messages: messages.map(({ role, content }) => ({ role, content })),
    options: replyOptions,
  });
  return createHash("sha256").update(material).digest("hex");
}
