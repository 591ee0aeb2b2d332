import type { Response } from "undici";
import type { RlmError } from "../../errors/index.js";
import { defaultHttpError, type MapHttpFailure, readHttpFailure } from "./error-response.js";
import { type HttpOptions, resolveFetch } from "./http-options.js";
import { type NetworkErrorContext, networkError } from "./network-error.js";

export interface JsonRequest {
  url: string;
  /** JSON body; the request is a GET when there is none. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  http?: HttpOptions;
  /** Who we talk to and what to do when nothing answers. */
  network: NetworkErrorContext;
  /** What to do about a 401/403 (which env var holds the key). */
  authHint?: string;
  /** A backend's own reading of failures, tried before the defaults. */
  mapError?: MapHttpFailure;
}

/** Rethrows the caller's abort reason as is, so cancellation never looks like a server failure. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/**
 * Sends one JSON request and returns the 2xx response with its body unread (the caller picks the
 * JSON, SSE or NDJSON handler). Network failures and non-2xx statuses become RlmErrors that say
 * whether a retry makes sense; an aborted signal rethrows its reason.
 */
export async function postJson(request: JsonRequest): Promise<Response> {
  const { fetch, dispatcher } = resolveFetch(request.http);
  const headers: Record<string, string> = {
    accept: "application/json",
    ...request.http?.headers,
    ...request.headers,
  };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.body === undefined ? "GET" : "POST",
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: request.signal,
      dispatcher,
    });
  } catch (error) {
    throwIfAborted(request.signal);
    throw networkError(error, request.network);
  }
  if (response.ok) return response;
  const failure = await readHttpFailure(response, request.url);
  throwIfAborted(request.signal);
  const mapped: RlmError | undefined = request.mapError?.(failure);
  throw mapped ?? defaultHttpError(failure, request.network.target, request.authHint ?? "Check the API key.");
}
