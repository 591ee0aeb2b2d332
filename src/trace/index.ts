/**
 * Trace: the events an RLM run emits (`onEvent`) and its trajectory on disk, a JSONL file written
 * line by line as the run goes (metadata, one line per iteration with nested sub-calls, a result),
 * in the field names of the official Python `rlm` logs plus ours. `readTrajectory` reads it back
 * with validation for the CLI and the viewer.
 */
export { JsonlTrajectoryWriter } from "./jsonl-writer.js";
export { parseTrajectory, readTrajectory, type Trajectory, type TrajectoryRun } from "./read-trajectory.js";
export { codeBlockSchema, iterationSchema, metadataSchema, resultSchema, subCallSchema } from "./schema.js";
export { createTraceSink, type TraceSinkOptions } from "./sink.js";
export * from "./types.js";
