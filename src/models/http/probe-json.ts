import type { HttpOptions } from "./http-options.js";
import { connectionFailure } from "./network-error.js";
import { sendRequest } from "./post-json.js";

/** What a probe found: the status and the body (JSON when it parses, else the text), or why nothing came. */
export type ProbeResult = { status: number; body: unknown } | { error: string };

/**
 * GETs a document and keeps whatever the server answered, error statuses included: a readiness
 * check (`rlm doctor`) reads the status itself. Never throws: a failure to connect comes back as
 * `{ error }` with the socket's code (`ECONNREFUSED`), or "no answer within the timeout".
 */
export async function probeJson(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs: number; http?: HttpOptions },
): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await sendRequest({ url, headers: options.headers, signal, http: options.http });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the message.
    }
    return { status: response.status, body };
  } catch (error) {
    if (signal.aborted) return { error: "no answer within the timeout" };
    return { error: connectionFailure(error) };
  }
}
