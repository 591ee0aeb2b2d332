/**
 * Durable runs: every model reply is recorded in the trajectory as it arrives (`RunRecord`), so a
 * run can be replayed with no model server (every call answered from the record, the recorded code
 * run again in a fresh sandbox, the outputs compared) or resumed after a crash or a limit (recorded
 * calls answered from the record, the REPL rebuilt by re-running the code, then the run goes on
 * live into the same file).
 */
export { describeDifference, firstDifference, type RunDifference } from "./compare-runs.js";
export { contextDigest } from "./context-digest.js";
export { type Divergence, type RecordMode, RunRecord } from "./run-record.js";
