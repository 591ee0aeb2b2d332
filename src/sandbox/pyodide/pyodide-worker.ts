/**
 * What a call into one worker thread gives back (`WorkerHandle`, inside the sandbox host process, and
 * over the host process's IPC channel to `RemoteWorker`), and where a load's bytes come from.
 */

/** Fills `slot` with the context's next bytes; returns how many (the last fill leaves `done` set). */
export interface ChunkSource {
  readonly done: boolean;
  fill(slot: Uint8Array): number;
}

export interface CallResult {
  json: string;
  rawStdout: string;
  rawStderr: string;
}

/** A call the worker could not complete; `fatal`: Pyodide is dead, `exited`: the worker ended. */
export class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
    readonly exited: boolean,
  ) {
    super(message);
  }
}
