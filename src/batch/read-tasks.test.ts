import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTaskFile } from "./read-tasks.js";

function tasksFile(lines: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), "rlm-tasks-"));
  const path = join(directory, "tasks.jsonl");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("readTaskFile", () => {
  it("reads rlm lines with paths or a context of any JSON shape, relative to the file's folder", async () => {
    const path = tasksFile([
      JSON.stringify({ id: "a", query: "Q1?", paths: ["a.txt", "docs/"] }),
      "",
      JSON.stringify({ id: 7, query: "Q2?", context: { "x.md": "text", n: 3 }, instructions: "Be brief." }),
      JSON.stringify({ id: "c", query: "Q3?", context: ["one", "two"] }),
    ]);
    const { tasks, invalid } = await readTaskFile(path);
    expect(invalid).toEqual([]);
    expect(tasks.map((task) => [task.id, task.line, task.format])).toEqual([
      ["a", 1, "rlm"],
      ["7", 3, "rlm"],
      ["c", 4, "rlm"],
    ]);
    expect(tasks[0]?.paths).toEqual(["a.txt", "docs/"]);
    expect(tasks[0]?.base).toBe(join(path, ".."));
    expect(tasks[1]?.context).toEqual({ "x.md": "text", n: 3 });
    expect(tasks[1]?.instructions).toBe("Be brief.");
  });

  it("reads OpenAI Batch lines by the server's chat rule: context, question, instructions", async () => {
    const path = tasksFile([
      JSON.stringify({
        custom_id: "r1",
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: "gpt-x",
          temperature: 0,
          messages: [
            { role: "system", content: "Cite clauses." },
            { role: "user", content: [{ type: "text", text: "the contract" }] },
            { role: "user", content: "What is the term?" },
          ],
        },
      }),
      JSON.stringify({
        custom_id: "r2",
        method: "POST",
        url: "/v1/chat/completions",
        body: { model: "m", rlm_context: ["a", "b"], messages: [{ role: "user", content: "Which?" }] },
      }),
    ]);
    const { tasks, invalid } = await readTaskFile(path);
    expect(invalid).toEqual([]);
    expect(tasks[0]).toMatchObject({
      id: "r1",
      format: "openai",
      query: "What is the term?",
      context: "the contract",
      instructions: "Cite clauses.",
      model: "gpt-x",
    });
    expect(tasks[1]).toMatchObject({ id: "r2", context: ["a", "b"], query: "Which?" });
  });

  it("turns each bad line into an invalid line that names its number and problem", async () => {
    const openAi = (body: object, extra: object = {}) =>
      JSON.stringify({ custom_id: "x", method: "POST", url: "/v1/chat/completions", body, ...extra });
    const path = tasksFile([
      "[1, 2]",
      "{oops",
      JSON.stringify({ id: "p", query: "Q?", paths: ["a"], context: "b" }),
      JSON.stringify({ id: "q", query: "  ", context: "b" }),
      JSON.stringify({ id: "r", query: "Q?", context: "b", colour: "red" }),
      openAi({ model: "m", messages: [{ role: "user", content: "only a question" }] }),
      openAi({ model: "m", messages: [{ role: "user", content: "doc" }] }, { url: "/v1/embeddings" }),
      JSON.stringify({ id: "ok", query: "Q?", context: "b" }),
      JSON.stringify({ id: "ok", query: "Again?", context: "c" }),
    ]);
    const { tasks, invalid } = await readTaskFile(path);
    expect(tasks.map((task) => task.id)).toEqual(["ok"]);
    expect(invalid.map((line) => [line.id, line.error])).toEqual([
      ["line-1", "line 1: not a JSON object"],
      ["line-2", expect.stringMatching(/^line 2: not JSON \(/)],
      ["p", "line 3: give exactly one of paths (files to read) or context (the text itself)"],
      ["q", "line 4: query: is empty"],
      ["r", expect.stringMatching(/^line 5: Unrecognized key\(s\) in object: 'colour'/)],
      ["x", "line 6: There is no context to read: only a question was sent."],
      ["x", expect.stringMatching(/^line 7: url: Invalid literal value/)],
      ["line-9", 'line 9: the id "ok" is already used on line 8'],
    ]);
    expect(invalid.map((line) => line.format)).toEqual([
      "rlm",
      "rlm",
      "rlm",
      "rlm",
      "rlm",
      "openai",
      "openai",
      "rlm",
    ]);
  });

  it("refuses a tasks file it cannot read", async () => {
    await expect(readTaskFile("/nonexistent/tasks.jsonl")).rejects.toMatchObject({ code: "input-not-found" });
  });
});
