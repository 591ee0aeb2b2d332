import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlTrajectoryWriter } from "./jsonl-writer.js";
import { parseTrajectory, readTrajectory } from "./read-trajectory.js";
import { type IterationRecord, type MetadataRecord, TRAJECTORY_FORMAT } from "./types.js";

const metadata: MetadataRecord = {
  type: "metadata",
  format: TRAJECTORY_FORMAT,
  run_id: "r1",
  started_at: new Date(0).toISOString(),
  query: "q",
  root_model: "ollama:a",
  sub_model: "ollama:b",
  max_depth: 2,
  depth: 0,
  context: { type: "str", total_chars: 10, parts: 1 },
  limits: { maxIterations: 3 },
};

const iteration: IterationRecord = {
  type: "iteration",
  iteration: 1,
  depth: 0,
  prompt: [{ role: "user", content: "look" }],
  response: "```repl\nprint(1)\n```",
  code_blocks: [
    {
      code: "print(1)",
      result: {
        stdout: "1\n",
        stderr: "",
        locals: { x: "int, 1" },
        execution_time: 0.01,
        rlm_calls: [
          {
            kind: "rlm",
            model: "ollama:b",
            prompt: "p",
            response: "r",
            execution_time: 0.2,
            children: [
              {
                ...structuredClone({
                  type: "iteration" as const,
                  iteration: 1,
                  depth: 1,
                  prompt: [],
                  response: "x",
                  code_blocks: [],
                  iteration_time: 0.1,
                  usage: { promptTokens: 1, completionTokens: 1 },
                }),
              },
            ],
          },
        ],
      },
    },
  ],
  iteration_time: 0.5,
  usage: { promptTokens: 10, completionTokens: 5 },
};

describe("JSONL trajectories", () => {
  it("writes each line at once and reads them back with nested child iterations", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "rlm-trace-")), "nested", "run.jsonl");
    const writer = new JsonlTrajectoryWriter(path);
    writer.write(metadata);
    writer.write(iteration);
    // Already on disk before close: a crash here would keep both lines.
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(2);
    writer.close();
    const trajectory = await readTrajectory(path);
    expect(trajectory.truncated).toBe(false);
    expect(trajectory.runs).toHaveLength(1);
    expect(trajectory.runs[0]?.metadata).toEqual(metadata);
    expect(trajectory.runs[0]?.iterations[0]).toEqual(iteration);
    expect(trajectory.runs[0]?.result).toBeUndefined();
  });

  it("reports a last line cut off mid-write instead of failing", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "rlm-trace-")), "run.jsonl");
    const writer = new JsonlTrajectoryWriter(path);
    writer.write(metadata);
    writer.close();
    appendFileSync(path, '{"type":"iteration","iter');
    const trajectory = await readTrajectory(path);
    expect(trajectory.truncated).toBe(true);
    expect(trajectory.runs[0]?.metadata.run_id).toBe("r1");
  });

  it("names the line that does not match the format", () => {
    const bad = `${JSON.stringify(metadata)}\n${JSON.stringify({ type: "iteration", iteration: "one" })}\n`;
    expect(() => parseTrajectory(bad, "bad.jsonl")).toThrow(/Line 2 of bad.jsonl does not match.*iteration/);
    expect(() => parseTrajectory("not json\n{}\n")).toThrow(/Line 1 .* not valid JSON/);
  });

  it("reads a log written by the official Python rlm", () => {
    const official = [
      {
        type: "metadata",
        timestamp: "2025-01-01T00:00:00",
        root_model: "gpt-5",
        max_depth: 1,
        max_iterations: 30,
        backend: "openai",
      },
      {
        type: "iteration",
        iteration: 1,
        timestamp: "2025-01-01T00:00:01",
        prompt: [{ role: "system", content: "sys" }],
        response: "```repl\nx = llm_query('hi')\n```",
        code_blocks: [
          {
            code: "x = llm_query('hi')",
            result: {
              stdout: "",
              stderr: "",
              locals: { x: "'hello'" },
              execution_time: 0.4,
              rlm_calls: [
                {
                  root_model: "gpt-5-mini",
                  prompt: "hi",
                  response: "hello",
                  usage_summary: {},
                  execution_time: 0.3,
                },
              ],
            },
          },
        ],
        final_answer: null,
        iteration_time: 1.2,
      },
    ];
    const trajectory = parseTrajectory(official.map((line) => JSON.stringify(line)).join("\n"));
    const run = trajectory.runs[0];
    expect(run?.metadata.root_model).toBe("gpt-5");
    expect(run?.metadata.started_at).toBe("2025-01-01T00:00:00");
    const call = run?.iterations[0]?.code_blocks[0]?.result.rlm_calls[0];
    expect(call).toMatchObject({ kind: "llm", model: "gpt-5-mini", prompt: "hi", response: "hello" });
    expect(run?.iterations[0]?.final_answer).toBeUndefined();
  });
});
