/**
 * `rlm mcp`: a Model Context Protocol server over stdio (the official SDK) with one tool,
 * `rlm_ask`, that answers a question over files or text with an RLM run. Paths are read as
 * `rlm ask` reads them, but only inside the allowed folders (`path-guard.ts`): the client, and
 * whatever steers it, is not trusted. The command (`src/cli/mcp-command.ts`) resolves the
 * configuration; nothing here reads the environment or a config file.
 */
export { type AskToolOptions, type CompletionEngine, registerAskTool, TEXT_KEY } from "./ask-tool.js";
export { type AllowedRoot, allowedRoot, clientRoots, isInside, PathGuard } from "./path-guard.js";
export { ProgressReporter, type ProgressUpdate } from "./progress.js";
export { createRlmMcpServer, type RlmMcpServerOptions, serveStdio, takeStdout } from "./server.js";
export { usageSummary } from "./summary.js";
