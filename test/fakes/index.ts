/**
 * Fake model servers speaking the real wire protocols on 127.0.0.1 (Ollama, OpenAI, Anthropic),
 * answering from a policy function, for tests and the simulated benchmark backend.
 */

export { type FakeAnthropicOptions, startFakeAnthropic } from "./fake-anthropic.js";
export { type FakeOllamaOptions, OLLAMA_DEFAULT_NUM_CTX, startFakeOllama } from "./fake-ollama.js";
export { type FakeOpenAIOptions, startFakeOpenAI } from "./fake-openai.js";
export { estimateTokens, splitIntoPieces } from "./fake-server.js";
export type * from "./types.js";
