/**
 * Viewer: the trajectory viewer page (`viewer/index.html` + `style.css`, with its TypeScript in
 * `page/`, compiled by the project's `tsc` and loaded as an ES module) and a small node:http
 * server that shows one trajectory file in it (`rlm view FILE`), two compared (`rlm view A B`) or
 * a folder's list (`rlm view DIR`). The page reads the shared
 * trajectory types from `src/trace/types.ts` and renders every string as text, never markup.
 */

export { formatTrajectoryList, listTrajectories, type TrajectorySummary } from "./list-trajectories.js";
export { openBrowser } from "./open-browser.js";
export { type RunningViewer, startViewer, type ViewerOptions } from "./serve.js";
export { runViewCommand, type ViewCommandOptions } from "./view-command.js";
export { findViewerFiles, type ViewerFiles } from "./viewer-files.js";
