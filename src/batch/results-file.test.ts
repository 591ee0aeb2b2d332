import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ResultsFile } from "./results-file.js";

const path = () => join(mkdtempSync(join(tmpdir(), "rlm-results-")), "results.jsonl");

describe("ResultsFile", () => {
  it("creates the file, appends one line per id, and reads the ids back", () => {
    const file = path();
    const results = ResultsFile.open(file);
    expect(results.append("a", { id: "a", status: "ok" }, false)).toBe(true);
    expect(results.append("b", { id: "b", status: "failed" }, true)).toBe(true);
    expect(results.append("a", { id: "a", status: "ok" }, false)).toBe(false);
    const again = ResultsFile.open(file);
    expect([again.has("a"), again.has("b"), again.has("c")]).toEqual([true, true, false]);
    expect(again.failedCount).toBe(1);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("cuts a last line torn by a crash, so that task runs again", () => {
    const file = path();
    writeFileSync(file, `${JSON.stringify({ id: "a", status: "ok" })}\n{"id":"b","sta`);
    const results = ResultsFile.open(file);
    expect(results.has("a")).toBe(true);
    expect(results.has("b")).toBe(false);
    expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify({ id: "a", status: "ok" })}\n`);
  });

  it("drops the failed lines of both formats for --retry-failed", () => {
    const file = path();
    const lines = [
      { id: "ok", status: "ok" },
      { id: "bad", status: "failed" },
      { id: "batch_req_1", custom_id: "o1", response: { status_code: 200 }, error: null },
      { id: "batch_req_2", custom_id: "o2", response: { status_code: 502 }, error: null },
      { id: "batch_req_3", custom_id: "o3", response: null, error: { code: "invalid_request" } },
    ];
    writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    const results = ResultsFile.open(file, { dropFailed: true });
    expect(["ok", "bad", "o1", "o2", "o3"].map((id) => results.has(id))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("refuses a file with lines it did not write", () => {
    const file = path();
    writeFileSync(file, "hello\n");
    expect(() => ResultsFile.open(file)).toThrow(/is not a result line: hello/);
  });
});
