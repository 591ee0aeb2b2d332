/**
 * One worker started ahead of need, per process: a sandbox (or a restart) whose settings match
 * takes it instead of booting Pyodide while the caller waits. The spare is unreferenced, so it never
 * keeps the process alive. It is started when a sandbox closes, the moment the process is likely
 * to want another (the next completion or child RLM, a server's next request), and never while a
 * sandbox runs: its ~1 s boot would take a core from the running loop (and a one-shot run that never
 * needs a second sandbox never pays for one).
 */
import type { RemoteWorker } from "./remote-worker.js";

interface Spare {
  key: string;
  handle: Promise<RemoteWorker>;
}

let spare: Spare | undefined;

/** The spare, if one with these settings was prepared and has not failed; it becomes the caller's. */
export function takeSpare(key: string): Promise<RemoteWorker> | undefined {
  if (spare?.key !== key) return undefined;
  const { handle } = spare;
  spare = undefined;
  // The spare may still be booting, unreferenced: the caller now waits for it, so keep the process up.
  const keepAlive = setInterval(() => {}, 60_000);
  return handle
    .then((taken) => {
      taken.setReferenced(true);
      return taken;
    })
    .finally(() => clearInterval(keepAlive));
}

/**
 * Starts a spare with these settings unless one exists (a spare with other settings is replaced).
 * `start` must boot an unreferenced worker.
 */
export function prepareSpare(key: string, start: () => Promise<RemoteWorker>): void {
  if (spare?.key === key) return;
  const previous = spare;
  const handle = start();
  const entry: Spare = { key, handle };
  spare = entry;
  handle.catch(() => {
    if (spare === entry) spare = undefined;
  });
  void previous?.handle.then(
    (old) => old.terminate("replaced by a spare with other settings"),
    () => undefined,
  );
}

/**
 * Ends the spare, if any (booting or booted). A sandbox about to load a large context calls it: a
 * booted Pyodide holds ~130 MB, which matters more at that size than the ~1 s boot it would save.
 */
export function discardSpare(reason: string): void {
  const previous = spare;
  spare = undefined;
  void previous?.handle.then(
    (old) => old.terminate(reason),
    () => undefined,
  );
}
