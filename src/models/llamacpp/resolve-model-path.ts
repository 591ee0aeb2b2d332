import { access } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { RlmError } from "../../errors/index.js";
import { connectionFailure } from "../http/index.js";
import type { DownloadProgress } from "../model-config.js";
import { loadNodeLlamaCpp } from "./load-library.js";

export interface ResolveModelOptions {
  /** Where `hf:` and URL models are downloaded to, once. Default `~/.cache/rlm/models`. */
  cacheDir?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Where `HF_ENDPOINT` and `HF_TOKEN` are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** How long the download server has to answer before a download starts. Default 15 s. */
  probeTimeoutMs?: number;
}

/** Where `hf:` URIs are resolved (a mirror, or a local stand-in in tests). */
export const HF_ENDPOINT_VARIABLE = "HF_ENDPOINT";
/** The access token for gated Hugging Face models. */
export const HF_TOKEN_VARIABLE = "HF_TOKEN";
const DEFAULT_HF_ENDPOINT = "https://huggingface.co/";
const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

export function defaultModelCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "rlm", "models");
}

export function isRemoteModel(model: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/.test(model);
}

function environment(options: ResolveModelOptions): Record<string, string | undefined> {
  return options.env ?? process.env;
}

/** node-llama-cpp's download settings from the environment the model was created with. */
function downloadSettings(options: ResolveModelOptions) {
  const env = environment(options);
  const endpoint = env.HF_ENDPOINT?.trim() || undefined;
  const token = env.HF_TOKEN?.trim() || undefined;
  return {
    directory: options.cacheDir ?? defaultModelCacheDir(),
    ...(endpoint ? { endpoints: { huggingFace: endpoint.endsWith("/") ? endpoint : `${endpoint}/` } } : {}),
    ...(token ? { tokens: { huggingFace: token } } : {}),
  };
}

/** The server a download starts at: the Hugging Face endpoint for `hf:` URIs, else the URL itself. */
function downloadServer(model: string, options: ResolveModelOptions): string {
  if (/^https?:\/\//.test(model)) return model;
  return downloadSettings(options).endpoints?.huggingFace ?? DEFAULT_HF_ENDPOINT;
}

function downloadFailed(model: string, reason: string, cause?: unknown): RlmError {
  return new RlmError("model-download-failed", `Could not download ${model}: ${reason}`, {
    hint: `Check the URI (hf:org/repo:quant), the network (and ${HF_ENDPOINT_VARIABLE} when set), ${HF_TOKEN_VARIABLE} for gated models; or download the .gguf yourself and give its path.`,
    // Not retried: a host that refused the connection or a model that does not exist will do the
    // same a second later, and every retry of a download is a long wait for the same answer.
    isRetryable: false,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Asks the download server for the file's headers (HEAD) before node-llama-cpp's downloader, which
 * retries a refused connection for many minutes: an unreachable host, or a URL that answers 4xx,
 * fails at once with the reason. A server that does not take HEAD is given the benefit of the doubt.
 */
async function probeServer(model: string, options: ResolveModelOptions): Promise<void> {
  const url = downloadServer(model, options);
  const timeout = AbortSignal.timeout(options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let status: number;
  try {
    const response = await fetch(url, { method: "HEAD", redirect: "follow", signal });
    status = response.status;
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = timeout.aborted
      ? `no answer within ${(options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS) / 1000} s`
      : connectionFailure(error);
    throw downloadFailed(model, `the server at ${url} is not reachable (${reason}).`, error);
  }
  // Only a URL names the file itself; an hf: endpoint's root answers whatever it answers.
  if (url === model && (status === 401 || status === 403 || status === 404 || status === 410)) {
    throw downloadFailed(model, `${url} answered ${status}.`);
  }
}

/** The local path of an `hf:` or URL model already in the cache, without touching the network. */
export async function findCachedModel(
  model: string,
  options: ResolveModelOptions = {},
): Promise<string | undefined> {
  const { resolveModelFile } = await loadNodeLlamaCpp();
  try {
    return await resolveModelFile(model, { ...downloadSettings(options), cli: false, download: false });
  } catch {
    return undefined;
  }
}

/** What a download would fetch: the file's name and size, found without downloading it. */
export interface DownloadPlan {
  fileName: string;
  bytes: number;
  server: string;
}

/**
 * Checks that a model that is not cached can be downloaded (the server answers, the URI resolves
 * to a file), and says what it would fetch; throws `model-download-failed` with the reason.
 */
export async function planDownload(model: string, options: ResolveModelOptions = {}): Promise<DownloadPlan> {
  await probeServer(model, options);
  const { createModelDownloader } = await loadNodeLlamaCpp();
  const settings = downloadSettings(options);
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const downloader = await Promise.race([
      createModelDownloader({
        ...(/^https?:\/\//.test(model) ? { modelUrl: model } : { modelUri: model }),
        dirPath: settings.directory,
        showCliProgress: false,
        ...(settings.endpoints ? { endpoints: settings.endpoints } : {}),
        ...(settings.tokens ? { tokens: settings.tokens } : {}),
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    const plan = {
      fileName: downloader.entrypointFilename,
      bytes: downloader.totalSize,
      server: downloadServer(model, options),
    };
    await downloader.cancel({ deleteTempFile: true }).catch(() => undefined);
    return plan;
  } catch (error) {
    if (error instanceof RlmError) throw error;
    throw downloadFailed(model, String(error), error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Turns the model reference of a `llamacpp:` spec into a local .gguf path: a path is checked to
 * exist; an `hf:org/repo:quant` URI or a URL is downloaded once into the cache dir (node-llama-cpp's
 * `resolveModelFile`, which reuses a file already there), reporting progress. A download that
 * cannot start (the server unreachable, the file not there) fails at once and is not retried.
 */
export async function resolveModelPath(model: string, options: ResolveModelOptions = {}): Promise<string> {
  if (!isRemoteModel(model)) {
    const path = isAbsolute(model) ? model : resolve(model);
    try {
      await access(path);
    } catch (error) {
      throw new RlmError("model-not-found", `The model file ${path} does not exist.`, {
        hint: "Give the path of a .gguf file, or an hf:org/repo:quant URI to download one.",
        cause: error,
      });
    }
    return path;
  }
  const cached = await findCachedModel(model, options);
  if (cached !== undefined) return cached;
  await probeServer(model, options);
  const { resolveModelFile } = await loadNodeLlamaCpp();
  try {
    return await resolveModelFile(model, {
      ...downloadSettings(options),
      cli: false,
      signal: options.signal,
      onProgress: ({ downloadedSize, totalSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw downloadFailed(model, String(error), error);
  }
}
