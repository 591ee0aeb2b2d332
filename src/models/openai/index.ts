/** OpenAI Chat Completions backend (`openai:` and `openai-compatible:` specs). */
export { buildChatBody } from "./build-request.js";
export { OpenAIChatModel, type OpenAIChatModelSettings } from "./openai-chat-model.js";
