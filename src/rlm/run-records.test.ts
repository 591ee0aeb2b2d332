import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newRunId, tracePathFor } from "./run-records.js";

describe("trajectory paths", () => {
  it("uses a file path as given, and a folder (existing, or ending in /) for one file per run", () => {
    const folder = mkdtempSync(join(tmpdir(), "rlm-runs-"));
    expect(tracePathFor(undefined, "id")).toBeUndefined();
    expect(tracePathFor(join(folder, "one.jsonl"), "id")).toBe(join(folder, "one.jsonl"));
    expect(tracePathFor(folder, "id")).toBe(join(folder, "id.jsonl"));
    expect(tracePathFor(`${folder}/new/`, "id")).toBe(join(folder, "new", "id.jsonl"));
  });

  it("makes run ids that sort by time and do not collide", () => {
    const ids = Array.from({ length: 50 }, () => newRunId());
    expect(new Set(ids).size).toBe(50);
    expect(ids[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}-[0-9a-f]{8}$/);
  });
});
