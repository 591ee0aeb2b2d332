/**
 * The page's reader must read every file as the node reader in `src/trace` does (the page cannot
 * load its zod schemas): same runs and records for a real RLM trajectory, for a log in the official
 * Python `rlm` shape, and for a file cut off mid-write; the same line named for a bad line.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrajectory } from "../../trace/index.js";
import { writeTrajectory } from "../__fixtures__/write-trajectory.js";
import { parseTrajectoryText, TrajectoryTextError } from "./parse-trajectory-text.js";

const OFFICIAL_LOG = [
  {
    type: "metadata",
    timestamp: "2025-01-01T00:00:00",
    root_model: "gpt-5",
    max_depth: 1,
    backend: "openai",
  },
  {
    type: "iteration",
    iteration: 1,
    prompt: "first question",
    response: "```repl\nx = llm_query('hi')\n```",
    code_blocks: [
      {
        code: "x = llm_query('hi')",
        result: {
          stdout: "",
          stderr: null,
          locals: { x: "'hello'" },
          execution_time: 0.4,
          rlm_calls: [{ root_model: "gpt-5-mini", prompt: "hi", response: "hello", execution_time: 0.3 }],
        },
      },
    ],
    final_answer: ["draft", "done"],
    iteration_time: null,
  },
]
  .map((line) => JSON.stringify(line))
  .join("\n");

describe("parseTrajectoryText", () => {
  it("reads a resumed run with its recorded calls exactly as the node reader does", () => {
    const metadata = {
      type: "metadata",
      started_at: "t0",
      query: "q",
      context_sha256: "ab",
      inputs: ["a.txt"],
      seed: 7,
    };
    const call = (site: string) => ({
      type: "call",
      site,
      model: "ollama:a",
      text: `reply ${site}`,
      usage: { promptTokens: 3, completionTokens: 2 },
      finish_reason: "stop",
      elapsed_ms: 5,
    });
    const text = [
      metadata,
      { type: "window", model: "ollama:a", context_window: 4096 },
      call("1"),
      { type: "iteration", iteration: 1, response: "first try" },
      call("s1"),
      { type: "resume", resumed_at: "t1", calls: 2 },
      { ...metadata, started_at: "t1" },
      { type: "iteration", iteration: 1, response: "again" },
      call("2"),
      {
        type: "result",
        answer: "a",
        stop_reason: "answer",
        iterations: 2,
        sub_calls: 1,
        depth_reached: 0,
        elapsed_ms: 9,
        usage: {},
      },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    const page = parseTrajectoryText(text, "run.jsonl");
    expect(page).toEqual(parseTrajectory(text, "run.jsonl"));
    expect(page.runs).toHaveLength(1);
    const [run] = page.runs;
    expect(run?.metadata).toMatchObject({
      started_at: "t1",
      context_sha256: "ab",
      inputs: ["a.txt"],
      seed: 7,
    });
    expect(run?.iterations.map((iteration) => iteration.response)).toEqual(["again"]);
    expect(run?.calls.map((recorded) => recorded.site)).toEqual(["1", "s1", "2"]);
    expect(run?.windows).toEqual([{ type: "window", model: "ollama:a", context_window: 4096 }]);
    expect(run?.resumes).toBe(1);
    expect(run?.result?.answer).toBe("a");
  });

  it("reads a real RLM trajectory exactly as the node reader does", async () => {
    const text = readFileSync(await writeTrajectory(), "utf8");
    const page = parseTrajectoryText(text, "run.jsonl");
    expect(page).toEqual(parseTrajectory(text, "run.jsonl"));
    expect(
      page.runs[0]?.iterations[0]?.code_blocks[0]?.result.rlm_calls[0]?.children?.length,
    ).toBeGreaterThan(0);
    // The system prompt the root model was sent is recorded in the metadata line.
    expect(page.runs[0]?.metadata.system_prompt).toContain("llm_query");

    const cut = text.slice(0, text.lastIndexOf("\n", text.length - 2) + 20);
    const partial = parseTrajectoryText(cut, "run.jsonl");
    expect(partial).toEqual(parseTrajectory(cut, "run.jsonl"));
    expect(partial).toMatchObject({ truncated: true, runs: [{ result: undefined }] });
  });

  it("reads a log in the official Python rlm's shape as the node reader does", () => {
    const page = parseTrajectoryText(OFFICIAL_LOG, "official.jsonl");
    expect(page).toEqual(parseTrajectory(OFFICIAL_LOG, "official.jsonl"));
    expect(page.runs[0]?.iterations[0]?.final_answer).toBe("done");
    // What the log does not give is unknown (NaN, shown as such), not 0.
    expect(page.runs[0]?.iterations[0]?.iteration_time).toBeNaN();
    expect(page.runs[0]?.iterations[0]?.usage.promptTokens).toBeNaN();
    expect(page.runs[0]?.metadata.context.total_chars).toBeNaN();
    expect(page.runs[0]?.iterations[0]?.code_blocks[0]?.result.execution_time).toBe(0.4);
  });

  it("names the bad line, as the node reader does", () => {
    const bad = `${OFFICIAL_LOG}\nnot json\n${OFFICIAL_LOG}\n`;
    expect(() => parseTrajectory(bad, "bad.jsonl")).toThrow("Line 3 of bad.jsonl is not valid JSON.");
    expect(() => parseTrajectoryText(bad, "bad.jsonl")).toThrow("Line 3 of bad.jsonl is not valid JSON.");
    // A line of an unknown type is skipped with a warning, by both readers.
    const unknown = `{"type":"run_context","x":1}\n${OFFICIAL_LOG}\n{"type":"summary"}\n[1]\n`;
    const skipped = parseTrajectoryText(unknown, "bad.jsonl");
    expect(skipped).toEqual(parseTrajectory(unknown, "bad.jsonl"));
    expect(skipped.warnings).toEqual([
      'Line 1 was skipped: unknown type "run_context".',
      'Line 4 was skipped: unknown type "summary".',
      "Line 5 was skipped: it has no type.",
    ]);
    expect(skipped.runs[0]?.iterations).toHaveLength(1);
    const empty = (() => {
      try {
        parseTrajectoryText("\n\n", "empty.jsonl");
      } catch (error) {
        return error;
      }
    })();
    expect(empty).toBeInstanceOf(TrajectoryTextError);
    expect(empty).toMatchObject({ message: "empty.jsonl holds no trajectory lines." });
  });
});
