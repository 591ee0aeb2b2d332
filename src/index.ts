/**
 * The package root: what users import from "rlm" (README.md "As a library"): the RLM itself, model
 * and sandbox factories for use on their own, trajectories, and the error type.
 */

export { Budget, BudgetError, type Limits } from "./budget/index.js";
export {
  ERRORS,
  type ErrorCode,
  type ErrorEntry,
  EXIT,
  exitCodeOf,
  httpErrorOf,
  isErrorCode,
  isRlmError,
  RlmError,
} from "./errors/index.js";
export {
  type AiSdkLanguageModel,
  type AiSdkModelOptions,
  ContextOverflowError,
  createModel,
  createModelPool,
  fromAiSdk,
  ModelCallError,
  type ModelConfig,
  type ModelPool,
  type ModelPoolOptions,
  type ModelRef,
  parseModelSpec,
} from "./models/index.js";
export type * from "./models/types.js";
export {
  type HistoryEntry,
  parseReply,
  type ReplayOptions,
  type ReplayResult,
  RLM,
  RlmSession,
  RunError,
  replay,
} from "./rlm/index.js";
export type * from "./rlm/types.js";
export { bwrapAvailable, bwrapCommand, ContextFile, createSandbox } from "./sandbox/index.js";
export type * from "./sandbox/types.js";
export { parseTrajectory, readTrajectory, type Trajectory, type TrajectoryRun } from "./trace/index.js";
export type * from "./trace/types.js";
export { runViewCommand, startViewer } from "./viewer/index.js";
