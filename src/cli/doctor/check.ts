/** One line of the `rlm doctor` checklist. */
export interface Check {
  /** What was checked ("root model ollama:qwen3:4b"). */
  name: string;
  status: "ok" | "warn" | "fail";
  /** What was found. */
  detail: string;
  /** What to do about it, for warn and fail. */
  fix?: string;
  /** For a failure: the RlmError code it stands for (`backend-unreachable`, `model-not-found`...). */
  code?: string;
}

/** The failure for an API key the backend needs and the environment lacks; `value` shows its form. */
export function missingKey(name: string, variable: string, value: string): Check {
  return {
    name,
    status: "fail",
    code: "missing-api-key",
    detail: `${variable} is not set.`,
    fix: `export ${variable}=${value}`,
  };
}

/** GETs a JSON document with a short timeout; network failures come back as `{ error }`, never thrown. */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the message.
    }
    return { status: response.status, body };
  } catch (error) {
    return { error: describeNetworkFailure(error) };
  }
}

function describeNetworkFailure(error: unknown): string {
  // fetch wraps the socket error (`TypeError: fetch failed`, cause `connect ECONNREFUSED ...`):
  // the innermost code or message is the one that says what happened.
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (current.name === "TimeoutError") return "no answer within the timeout";
    message = current.message;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return message;
}
