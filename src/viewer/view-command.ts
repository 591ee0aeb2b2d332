/**
 * `rlm view FILE [OTHER]` / `rlm view DIR`: serves the trajectory viewer for one file, two files
 * compared, or a folder's list of trajectories (also printed here), prints its address and, with
 * `--open`, opens it in the browser. The server keeps the process alive until Ctrl-C (or SIGTERM).
 */

import { stat } from "node:fs/promises";
import { RlmError } from "../errors/index.js";
import { formatTrajectoryList, listTrajectories } from "./list-trajectories.js";
import { openBrowser } from "./open-browser.js";
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
  /** A second trajectory to compare with the first. */
  compare?: string;
  /** Open the page with the platform's opener. */
  open?: boolean;
  /** The opener's environment (tests put a fake opener on its PATH); default `process.env`. */
  openerEnv?: NodeJS.ProcessEnv;
  /** Which platform's opener; default `process.platform`. */
  platform?: NodeJS.Platform;
}

export async function runViewCommand(
  tracePath: string,
  options: ViewCommandOptions = {},
): Promise<RunningViewer> {
  if (
    options.compare !== undefined &&
    (await stat(tracePath).then(
      (found) => found.isDirectory(),
      () => false,
    ))
  ) {
    throw new RlmError("usage", `${tracePath} is a folder: rlm view lists a folder, or compares two files.`, {
      hint: `Pick a file of it: rlm view ${tracePath}/NAME.jsonl ${options.compare}`,
    });
  }
  const viewer = await startViewer({
    tracePath,
    port: options.port,
    host: options.host,
    files: options.files,
    ...(options.compare !== undefined ? { comparePath: options.compare } : {}),
  });
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (await stat(tracePath).then((found) => found.isDirectory())) {
    for (const line of formatTrajectoryList(await listTrajectories(tracePath))) write(line);
  }
  const shown = options.compare === undefined ? tracePath : `${tracePath} and ${options.compare}`;
  write(`rlm view: ${shown} at ${viewer.url} (Ctrl-C to stop)`);
  if (options.open) {
    const warning = await openBrowser(viewer.url, {
      ...(options.openerEnv ? { env: options.openerEnv } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
    });
    if (warning !== undefined) write(`rlm view: ${warning}`);
  }
  if (options.handleSignals ?? true) {
    const stop = (): void => {
      void viewer.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  return viewer;
}
