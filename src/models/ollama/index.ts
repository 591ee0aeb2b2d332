/** Ollama native backend (`ollama:` and `ollama-cloud:` specs). */
export { buildOllamaBody } from "./build-request.js";
export { OllamaChatModel, type OllamaChatModelSettings } from "./ollama-chat-model.js";
export { DEFAULT_OLLAMA_HOST, normalizeOllamaHost, OLLAMA_CLOUD_HOST, ollamaHosts } from "./ollama-host.js";
