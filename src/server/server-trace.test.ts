/**
 * `rlm serve --trace-dir`: each request's trajectory records its model replies and its context, so
 * the run replays alone, with no backend: the official `openai` client asks, the backend is closed,
 * and the replay reproduces the answer without a request.
 */

import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it, onTestFinished } from "vitest";
import { fanOutPolicies, wordsContext } from "../../test/policies/durable.js";
import { testModels } from "../../test/policies/harness.js";
import { RLM, replay } from "../rlm/index.js";
import { createRlmServer } from "./create-server.js";

describe("rlm serve --trace-dir", () => {
  it("writes a trajectory per request that replays with no backend", async () => {
    const models = await testModels(fanOutPolicies());
    const traceDirectory = mkdtempSync(join(tmpdir(), "rlm-serve-trace-"));
    const server = createRlmServer({
      models: { rlm: models.spec("root") },
      rlm: { subModel: models.spec("sub"), sandbox: { runtime: "process" } },
      createEngine: (options) => new RLM(options),
      insecureNoKey: true,
      traceDirectory,
    });
    onTestFinished(() => server.close());
    const baseURL = `${await server.listen(0)}/v1`;
    const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "rlm",
      messages: [
        { role: "user", content: wordsContext(1_200) },
        { role: "user", content: "How many words are there?" },
      ],
    });
    const answer = completion.choices[0]?.message.content ?? "";
    expect(answer).toMatch(/^total=1200 picked=\[/);

    const [file] = readdirSync(traceDirectory);
    expect(file).toBe(`${completion.id}.jsonl`);
    const sent = models.server.requests.length;
    await models.close();
    const replayed = await replay(join(traceDirectory, file!));
    expect(replayed.report).toBeUndefined();
    expect(replayed.reproduced).toBe(true);
    expect(replayed.result.answer).toBe(answer);
    expect(models.server.requests.length).toBe(sent);
  });
});
