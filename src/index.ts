/**
 * The package root: what users import from "rlm".
 */

export { Budget } from "./budget/index.js";
export { isRlmError, RlmError } from "./errors/index.js";
export type * from "./models/types.js";
export { type HistoryEntry, parseReply, RLM, RlmSession } from "./rlm/index.js";
export type * from "./rlm/types.js";
export type * from "./sandbox/types.js";
export { parseTrajectory, readTrajectory, type Trajectory, type TrajectoryRun } from "./trace/index.js";
export type * from "./trace/types.js";
