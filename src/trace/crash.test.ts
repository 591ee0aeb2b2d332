import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTrajectory } from "./read-trajectory.js";

describe("trajectory writer and crashes", () => {
  it("keeps every line written before the process was killed", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "rlm-crash-")), "run.jsonl");
    const script = join(import.meta.dirname, "__fixtures__", "write-then-crash.ts");
    const child = spawnSync(process.execPath, ["--import", "tsx", script, path], { encoding: "utf8" });
    expect(child.signal).toBe("SIGKILL");
    const trajectory = await readTrajectory(path);
    expect(trajectory.truncated).toBe(false);
    expect(trajectory.runs[0]?.metadata.run_id).toBe("crash");
    expect(trajectory.runs[0]?.iterations.map((iteration) => iteration.response)).toEqual([
      "reply 1",
      "reply 2",
    ]);
    expect(trajectory.runs[0]?.result).toBeUndefined();
  });
});
