/**
 * `rlm view --open`: hands the address to the platform's own opener (`xdg-open` on Linux and the
 * BSDs, `open` on macOS, `start` through `cmd` on Windows), only when asked. The opener runs
 * detached and its failure is a warning, never an error: the address is printed either way.
 */

import { spawn } from "node:child_process";

export interface OpenBrowserOptions {
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** The opener's environment (its PATH finds it); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The command and arguments that open `url` on `platform`. */
export function openerFor(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === "darwin") return ["open", [url]];
  // `start`'s first quoted argument is a window title; the empty one keeps the address from being taken as it.
  if (platform === "win32") return ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]];
  return ["xdg-open", [url]];
}

/** Starts the opener; resolves with a warning when it could not be started or failed at once. */
export function openBrowser(url: string, options: OpenBrowserOptions = {}): Promise<string | undefined> {
  const [command, args] = openerFor(url, options.platform ?? process.platform);
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: "ignore", detached: true });
    child.once("error", (error) =>
      resolve(`could not start ${command} (${error.message}); open the address yourself.`),
    );
    child.once("exit", (code) =>
      resolve(code === 0 ? undefined : `${command} exited with ${code}; open the address yourself.`),
    );
    child.unref();
  });
}
