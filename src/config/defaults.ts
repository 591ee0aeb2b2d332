/**
 * The defaults a fresh install runs with (the seed's pair of local Ollama models), and the embedded
 * engine offered when no server answers.
 */

export const DEFAULT_MODEL = "ollama:qwen3:4b";
export const DEFAULT_SUB_MODEL = "ollama:smollm:1.7b";
/**
 * In-process llama.cpp, no server needed: node-llama-cpp downloads this GGUF (about 2.5 GB) from
 * Hugging Face on first use into `~/.cache/rlm/models`; a local path works too.
 */
export const EMBEDDED_MODEL = "llamacpp:hf:Qwen/Qwen3-4B-GGUF:Q4_K_M";
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";
export const DEFAULT_SERVER_HOST = "127.0.0.1";
export const DEFAULT_SERVER_PORT = 8080;

/** The environment variables the configuration reads, in one list for docs and `rlm doctor`. */
export const ENVIRONMENT_VARIABLES = [
  "RLM_MODEL",
  "RLM_SUB_MODEL",
  "RLM_CONFIG",
  "RLM_SERVER_API_KEY",
  "RLM_MAX_INPUT_BYTES",
  "OLLAMA_HOST",
  "OLLAMA_API_KEY",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
] as const;
