/**
 * `rlm view FILE`: serves the trajectory viewer for one file and prints its address. The server
 * keeps the process alive until Ctrl-C (or SIGTERM), which closes it.
 */

import { type RunningViewer, startViewer } from "./serve.js";
import type { ViewerFiles } from "./viewer-files.js";

export interface ViewCommandOptions {
  port?: number;
  host?: string;
  /** Where the address is printed; default stdout. */
  write?: (line: string) => void;
  /** Where the page files are; found next to this module when left out. */
  files?: Partial<ViewerFiles>;
  /** Stop on SIGINT / SIGTERM; default true (the CLI). */
  handleSignals?: boolean;
}

export async function runViewCommand(
  tracePath: string,
  options: ViewCommandOptions = {},
): Promise<RunningViewer> {
  const viewer = await startViewer({
    tracePath,
    port: options.port,
    host: options.host,
    files: options.files,
  });
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write(`rlm view: ${tracePath} at ${viewer.url} (Ctrl-C to stop)`);
  if (options.handleSignals ?? true) {
    const stop = (): void => {
      void viewer.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  return viewer;
}
