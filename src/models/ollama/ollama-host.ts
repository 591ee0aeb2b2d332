import { RlmError } from "../../errors/index.js";
import type { EnvironmentVariable } from "../backend.js";

export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";
export const OLLAMA_CLOUD_HOST = "https://ollama.com";

export const OLLAMA_HOST: EnvironmentVariable = {
  name: "OLLAMA_HOST",
  meaning:
    "Ollama server(s): `127.0.0.1:11434`, `http://gpu1:11434`; several, comma-separated, share the load",
  configFile: { key: "ollamaHost", form: "url" },
};

/** One host as Ollama's own clients read it: scheme defaults to http, port to 11434 (443 for https). */
export function normalizeOllamaHost(host: string): string {
  const trimmed = host.trim();
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new RlmError("invalid-config", `OLLAMA_HOST entry "${host}" is not a host or URL.`, {
      hint: "Set OLLAMA_HOST like 127.0.0.1:11434 or http://gpu1:11434 (several: comma-separated).",
      cause: error,
    });
  }
  const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "11434";
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.hostname}:${port}${path}`;
}

/**
 * The Ollama servers to use: OLLAMA_HOST, which may list several (`http://gpu1:11434,http://gpu2:11434`)
 * for a fleet the pool spreads calls over; the local default when unset.
 */
export function ollamaHosts(environment: Record<string, string | undefined>): string[] {
  const raw = environment[OLLAMA_HOST.name]?.trim();
  if (!raw) return [DEFAULT_OLLAMA_HOST];
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map(normalizeOllamaHost);
}
