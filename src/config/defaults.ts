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
export const DEFAULT_SERVER_HOST = "127.0.0.1";
export const DEFAULT_SERVER_PORT = 8080;
