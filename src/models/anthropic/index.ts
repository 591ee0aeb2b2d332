/** Anthropic Messages backend (`anthropic:` specs). */
export {
  ANTHROPIC_VERSION,
  AnthropicChatModel,
  type AnthropicChatModelSettings,
  anthropicHeaders,
} from "./anthropic-chat-model.js";
export { buildAnthropicBody } from "./build-request.js";
