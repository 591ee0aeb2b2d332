/**
 * The package root: what users import from "rlm".
 */
export { isRlmError, RlmError } from "./errors/index.js";
export type * from "./models/types.js";
export type * from "./rlm/types.js";
export type * from "./sandbox/types.js";
export type * from "./trace/types.js";
