/**
 * One line of a folder's list of trajectories (`rlm view DIR`): made by the server
 * (`src/viewer/list-trajectories.ts`), sent to the page as JSON (`/list.json`) and shown there.
 * Types only, here in `page/` so that the page needs nothing of the server's.
 */
export interface TrajectorySummary {
  /** The file's name inside the folder (no path). */
  file: string;
  question: string;
  /** The last run's stop reason, `unfinished` without a result line, or `unreadable`. */
  status: string;
  /** When the first run started (its metadata), else the file's modification time; ISO 8601. */
  started: string;
  /** Summed over the file's runs; absent when no run finished. */
  elapsedMs?: number;
  costUsd?: number;
  /** Why the file could not be read (status `unreadable`). */
  error?: string;
}
