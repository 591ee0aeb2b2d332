/**
 * Writes a metadata line and two iteration lines with the trajectory writer, then kills its own
 * process with SIGKILL (no exit handlers, no flush): what reaches the file is what a crash keeps.
 */
import { JsonlTrajectoryWriter } from "../jsonl-writer.js";
import { TRAJECTORY_FORMAT } from "../types.js";

const path = process.argv[2];
if (!path) throw new Error("usage: write-then-crash.ts <path>");
const writer = new JsonlTrajectoryWriter(path);
writer.write({
  type: "metadata",
  format: TRAJECTORY_FORMAT,
  run_id: "crash",
  started_at: new Date().toISOString(),
  query: "q",
  root_model: "m",
  sub_model: "m",
  max_depth: 1,
  depth: 0,
  context: { type: "str", total_chars: 1, parts: 1 },
  limits: {},
});
for (const iteration of [1, 2]) {
  writer.write({
    type: "iteration",
    iteration,
    depth: 0,
    prompt: [],
    response: `reply ${iteration}`,
    code_blocks: [],
    iteration_time: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
  });
}
process.kill(process.pid, "SIGKILL");
