/**
 * The one HTTP layer every network backend uses: `postJson` sends a request through a shared
 * keep-alive undici agent (fetch and dispatcher injectable) and turns network failures and error
 * statuses into RlmErrors that say whether a retry makes sense; the readers turn a 2xx body into
 * validated JSON, server-sent events or NDJSON values, cancelling the request when the consumer stops.
 */
export { linkedAbortController } from "./abort.js";
export {
  defaultHttpError,
  type HttpFailure,
  looksLikeContextOverflow,
  type MapHttpFailure,
  readHttpFailure,
} from "./error-response.js";
export {
  bearer,
  type FetchFunction,
  type HttpOptions,
  resolveFetch,
  sharedDispatcher,
} from "./http-options.js";
export { fromDispatcherResponse, fromFetchResponse, type HttpResponse } from "./http-response.js";
export { connectionFailure, findErrorCode, type NetworkErrorContext, networkError } from "./network-error.js";
export {
  type JsonRequest,
  type OutgoingRequest,
  postJson,
  sendRequest,
  throwIfAborted,
} from "./post-json.js";
export { type ProbeResult, probeJson } from "./probe-json.js";
export { bodyReadError, checkShape, parseJson, type QuickCheck, readJson, readLines } from "./read-body.js";
export { parseRetryAfter } from "./retry-after.js";
export { readNdjson, readSse, type SseEvent } from "./stream-readers.js";
