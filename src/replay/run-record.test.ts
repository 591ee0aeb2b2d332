/**
 * The record at the pool's boundary: a fake OpenAI server on 127.0.0.1 counts the requests that
 * really leave. Recorded replies are kept as lines, replayed without a request, resumed up to the
 * first call the record does not hold; a changed prompt is a divergence.
 */

import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import { createModelPool } from "../models/index.js";
import type { CallRecord, TrajectoryLine } from "../trace/types.js";
import { RunRecord } from "./run-record.js";

const ask = (content: string) => [{ role: "user" as const, content }];

async function server() {
  const fake = await startFakeOpenAI((request) => ({ text: `answer to ${request.messages[0]?.content}` }));
  closeAfterTest(fake);
  return { fake, spec: `openai-compatible:${fake.url}/v1#fake` };
}

function recordedRun(mode: "record" | "replay" | "resume", calls: CallRecord[] = []) {
  const lines: TrajectoryLine[] = [];
  const record = new RunRecord(mode, (line) => lines.push(line), { calls, windows: [] });
  return { record, lines };
}

describe("RunRecord", () => {
  it("keeps every reply as a call line the moment it arrives, streamed ones too", async () => {
    const { fake, spec } = await server();
    const { record, lines } = recordedRun("record");
    const model = createModelPool().get(spec);
    await model.chat(ask("root turn"), { recording: record.at("1", spec) });
    const chunks = [];
    for await (const chunk of model.stream(ask("a prompt"), {
      recording: record.at("s1", spec, "a prompt"),
    })) {
      chunks.push(chunk);
    }
    expect(fake.requests).toHaveLength(2);
    expect(lines).toMatchObject([
      { type: "call", site: "1", model: spec, text: "answer to root turn", finish_reason: "stop" },
      { type: "call", site: "s1", prompt: "a prompt", text: "answer to a prompt" },
    ]);
    expect((lines[0] as CallRecord).usage.promptTokens).toBeGreaterThan(0);
  });

  it("replays recorded replies with no request, counting their usage as when they were paid", async () => {
    const { fake, spec } = await server();
    const first = recordedRun("record");
    await createModelPool()
      .get(spec)
      .chat(ask("q"), { recording: first.record.at("1", spec) });
    const replay = recordedRun("replay", first.lines as CallRecord[]);
    const pool = createModelPool();
    const reply = await pool.get(spec).chat(ask("q"), { recording: replay.record.at("1", spec) });
    expect(reply.text).toBe("answer to q");
    expect(fake.requests).toHaveLength(1);
    expect(pool.usage()[spec]?.calls).toBe(1);
    expect(replay.lines).toEqual([]);
    expect(replay.record.replayed).toBe(1);
  });

  it("in a replay, a call the record does not hold or a changed prompt fails and is named", async () => {
    const { fake, spec } = await server();
    const first = recordedRun("record");
    await createModelPool()
      .get(spec)
      .chat(ask("p"), { recording: first.record.at("s1", spec, "p") });
    const replay = recordedRun("replay", first.lines as CallRecord[]);
    const model = createModelPool().get(spec);
    await expect(
      model.chat(ask("other"), { recording: replay.record.at("s1", spec, "other") }),
    ).rejects.toMatchObject({
      code: "replay-diverged",
    });
    await expect(model.chat(ask("new"), { recording: replay.record.at("2", spec) })).rejects.toThrow(
      "did not make",
    );
    expect(replay.record.divergence).toEqual({ site: "s1", expected: "p", actual: "other" });
    expect(fake.requests).toHaveLength(1);
  });

  it("resumes from the record: a call it lacks goes live, later recorded calls are still answered", async () => {
    const { fake, spec } = await server();
    const first = recordedRun("record");
    const model = createModelPool().get(spec);
    // s2 was in flight when the run died; s1 and s3 had answered (a batch finishes out of order).
    await model.chat(ask("a"), { recording: first.record.at("s1", spec, "a") });
    await model.chat(ask("c"), { recording: first.record.at("s3", spec, "c") });
    const resumed = recordedRun("resume", first.lines as CallRecord[]);
    await model.chat(ask("a"), { recording: resumed.record.at("s1", spec, "a") });
    await model.chat(ask("b"), { recording: resumed.record.at("s2", spec, "b") });
    await model.chat(ask("c"), { recording: resumed.record.at("s3", spec, "c") });
    expect(fake.requests.map((request) => request.messages[0]?.content)).toEqual(["a", "c", "b"]);
    expect(resumed.lines.map((line) => (line as CallRecord).site)).toEqual(["s2"]);
    expect(resumed.record.replayed).toBe(2);
    expect(resumed.record.divergence).toBeUndefined();
  });

  it("a resumed sub-call whose prompt changed leaves the record: every later call is live", async () => {
    const { fake, spec } = await server();
    const first = recordedRun("record");
    const model = createModelPool().get(spec);
    await model.chat(ask("a"), { recording: first.record.at("s1", spec, "a") });
    await model.chat(ask("b"), { recording: first.record.at("s2", spec, "b") });
    const resumed = recordedRun("resume", first.lines as CallRecord[]);
    await model.chat(ask("A"), { recording: resumed.record.at("s1", spec, "A") });
    // s2 is recorded, but the run has left the record: it is asked again rather than trusted.
    await model.chat(ask("b"), { recording: resumed.record.at("s2", spec, "b") });
    expect(fake.requests.map((request) => request.messages[0]?.content)).toEqual(["a", "b", "A", "b"]);
    expect(resumed.lines.map((line) => (line as CallRecord).site)).toEqual(["s1", "s2"]);
    expect(resumed.record.divergence).toEqual({ site: "s1", expected: "a", actual: "A" });
  });
});
