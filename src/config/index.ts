/**
 * Configuration for the `rlm` command and server: flags > environment variables > the config file
 * (`~/.config/rlm/config.json` or `RLM_CONFIG`, validated) > defaults (`ollama:qwen3:4b` with
 * `ollama:smollm:1.7b` for sub-calls). Backend settings from the file are handed to the model
 * backends as the environment they read, so no backend needs to know the file exists.
 */
export { type ConfigFile, configFileSchema, defaultConfigPath, loadConfigFile } from "./config-file.js";
export {
  DEFAULT_MODEL,
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
  DEFAULT_SUB_MODEL,
  EMBEDDED_MODEL,
} from "./defaults.js";
export { ENVIRONMENT_VARIABLES } from "./environment.js";
export {
  expectedLlamaCppValue,
  type GpuLayers,
  LLAMACPP_SETTINGS,
  type LlamaCppConfig,
  type LlamaCppSetting,
  type LlamaCppValues,
  parseLlamaCppValue,
} from "./llamacpp-settings.js";
export {
  type ConfigFlags,
  type Origin,
  type RlmConfig,
  resolveConfig,
  type SandboxSettings,
} from "./resolve-config.js";
