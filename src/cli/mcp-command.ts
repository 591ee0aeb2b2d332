import type { Command } from "commander";
import { resolveConfig } from "../config/index.js";
import { RlmError } from "../errors/index.js";
import { preflight } from "./preflight.js";
import { rlmOptionsFrom } from "./rlm-options.js";
import { addRunOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/**
 * `rlm mcp`: serves the Model Context Protocol on stdin/stdout for MCP clients (Claude Desktop,
 * VS Code, Cursor) that start it. Models, limits and sandbox come from the same flags, environment
 * and config file as `rlm ask`. Paths are read only inside `--root` (default the working directory)
 * and the client's roots. The action returns when stdin closes, and the command then exits.
 */

interface McpOptionValues extends SharedOptionValues {
  root?: string;
  check?: boolean;
}

export function addMcpCommand(program: Command, version: string): void {
  const command = program
    .command("mcp")
    .description("serve the Model Context Protocol over stdio: the tool rlm_ask, for MCP clients")
    .option("--root <dir>", "read no path outside this folder (default: the working directory)")
    .option("--no-check", "skip checking the backends at start");
  addRunOptions(command).action(async (values: McpOptionValues) => {
    const config = await resolveConfig(toConfigFlags(values));
    const { allowedRoot, serveStdio } = await import("../mcp/index.js");
    const cwd = process.cwd();
    const directory = values.root ?? cwd;
    const root = await allowedRoot(directory).catch((error: Error) => {
      throw new RlmError("usage", `--root ${directory} cannot be used: ${error.message}`, {
        hint: "Give an existing folder: rlm mcp --root ~/Documents",
      });
    });
    const log = (line: string): void => {
      process.stderr.write(`rlm mcp: ${line}\n`);
    };
    const { RLM } = await import("../rlm/index.js");
    if (values.check !== false) {
      // In the background: the client expects the handshake at once, and a backend may come up later.
      void preflight(config).catch((error: Error & { describe?: () => string }) =>
        log(`warning: ${error.describe ? error.describe() : error.message}`),
      );
    }
    await serveStdio({
      version,
      rlm: rlmOptionsFrom(config),
      createEngine: (options) => new RLM(options),
      cwd,
      root,
      maxInputBytes: config.maxInputBytes,
      log,
    });
  });
}
