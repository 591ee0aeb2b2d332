import type { Command } from "commander";
import { port } from "./parse-options.js";

/**
 * `rlm view FILE`, `rlm view A B` (compared), `rlm view DIR` (its trajectories listed): the
 * trajectory viewer (src/viewer), until Ctrl-C.
 */
export function addViewCommand(program: Command): void {
  program
    .command("view")
    .description("open a trajectory (--trace FILE, --trace-dir) in the browser viewer")
    .argument("<file>", "a JSONL trajectory, or a folder of them (--trace-dir) to list")
    .argument("[other]", "a second trajectory to compare with the first (a run and its replay)")
    .option("--host <host>", "address to listen on (default 127.0.0.1)")
    .option("-p, --port <port>", "port (default: a free one)", port)
    .option("--open", "open the page in the browser (xdg-open, open or start)")
    .action(
      async (
        file: string,
        other: string | undefined,
        values: { host?: string; port?: number; open?: boolean },
      ) => {
        const { runViewCommand } = await import("../viewer/index.js");
        await runViewCommand(file, {
          host: values.host,
          port: values.port,
          ...(other !== undefined ? { compare: other } : {}),
          ...(values.open ? { open: true } : {}),
        });
      },
    );
}
