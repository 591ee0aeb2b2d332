import type { Command } from "commander";
import { port } from "./parse-options.js";

/** `rlm view FILE`: the trajectory viewer (src/viewer) for one JSONL trajectory, until Ctrl-C. */
export function addViewCommand(program: Command): void {
  program
    .command("view")
    .description("open a trajectory (--trace FILE, --trace-dir) in the browser viewer")
    .argument("<file>", "a JSONL trajectory")
    .option("--host <host>", "address to listen on (default 127.0.0.1)")
    .option("-p, --port <port>", "port (default: a free one)", port)
    .action(async (file: string, values: { host?: string; port?: number }) => {
      const { runViewCommand } = await import("../viewer/index.js");
      await runViewCommand(file, { host: values.host, port: values.port });
    });
}
