import type { RlmError } from "../../errors/index.js";
import { defaultHttpError, type MapHttpFailure, readHttpFailure } from "./error-response.js";
import { type HttpOptions, resolveFetch, sharedDispatcher } from "./http-options.js";
import { fromDispatcherResponse, fromFetchResponse, type HttpResponse } from "./http-response.js";
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

/** What goes out: the URL, a JSON body (a GET when there is none), headers, the network settings. */
export type OutgoingRequest = Pick<JsonRequest, "url" | "body" | "headers" | "signal" | "http">;

/** Rethrows the caller's abort reason as is, so cancellation never looks like a server failure. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Prepared {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body: string | undefined;
}

/** Through `fetch` (the caller's own, or undici's to follow a redirect as fetch always did). */
async function sendWithFetch(request: OutgoingRequest, prepared: Prepared): Promise<HttpResponse> {
  const { fetch, dispatcher } = resolveFetch(request.http);
  return fromFetchResponse(await fetch(request.url, { ...prepared, signal: request.signal, dispatcher }));
}

/**
 * Straight through the undici dispatcher (no WHATWG Request/Response/stream objects: a fifth of
 * fetch's CPU per call). A redirect, rare for a model API, is sent again through fetch, which follows it.
 */
async function sendWithDispatcher(request: OutgoingRequest, prepared: Prepared): Promise<HttpResponse> {
  const target = new URL(request.url);
  const data = await (request.http?.dispatcher ?? sharedDispatcher()).request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    ...prepared,
    signal: request.signal,
  });
  const response = fromDispatcherResponse(data);
  if (!REDIRECTS.has(response.status) || response.headers.get("location") === null) return response;
  await response.cancel();
  return sendWithFetch(request, prepared);
}

/**
 * Sends one request and returns the response whatever its status, body unread. A failure to
 * connect or send throws as the transport raised it (postJson turns it into an RlmError).
 */
export async function sendRequest(request: OutgoingRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = {
    accept: "application/json",
    ...request.http?.headers,
    ...request.headers,
  };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  const prepared: Prepared = {
    method: request.body === undefined ? "GET" : "POST",
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  };
  return request.http?.fetch === undefined
    ? sendWithDispatcher(request, prepared)
    : sendWithFetch(request, prepared);
}

/**
 * Sends one JSON request and returns the 2xx response with its body unread (the caller picks the
 * JSON, SSE or NDJSON handler). Network failures and non-2xx statuses become RlmErrors that say
 * whether a retry makes sense; an aborted signal rethrows its reason.
 */
export async function postJson(request: JsonRequest): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await sendRequest(request);
  } catch (error) {
    throwIfAborted(request.signal);
    throw networkError(error, request.network, request.url);
  }
  if (response.ok) return response;
  const failure = await readHttpFailure(response, request.url);
  throwIfAborted(request.signal);
  const mapped: RlmError | undefined = request.mapError?.(failure);
  throw mapped ?? defaultHttpError(failure, request.network.target, request.authHint ?? "Check the API key.");
}
