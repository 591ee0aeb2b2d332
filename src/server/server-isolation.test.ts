/**
 * No state crosses requests through the server's sandbox pool: request A sets a variable, a module
 * attribute and a file in /tmp; request B, answered by the same server from the same pool (one run
 * at a time, so B's sandbox is taken while A's is closing), must see none of them. Judged on the
 * host: B's answer as the client receives it, and the host's own /tmp. Runs the secure process
 * option, bubblewrap; skips, saying why, where bubblewrap cannot run.
 */

import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { askServer } from "../../test/fakes/chat-client.js";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { code, lastStdout, lastUserMessage, turnOf } from "../../test/policies/conversation.js";
import { RLM } from "../rlm/index.js";
import { bwrapAvailable, bwrapCommand } from "../sandbox/index.js";
import { createRlmServer, type RlmServer } from "./create-server.js";

const MARK = `rlm-isolation-${process.pid}-${Date.now()}`;
const TMP_FILE = `/tmp/${MARK}`;

const WRITE = [
  "import json",
  `left_behind = "${MARK}"`,
  `json.left_behind = "${MARK}"`,
  `open("${TMP_FILE}", "w").write("${MARK}")`,
  'print("written")',
].join("\n");

const READ = [
  "import json, os",
  'seen = [globals().get("left_behind"), getattr(json, "left_behind", None)]',
  `seen.append(open("${TMP_FILE}").read() if os.path.exists("${TMP_FILE}") else None)`,
  "print(seen)",
].join("\n");

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

const canRun = bwrapAvailable();
if (!canRun) console.warn("server-isolation.test.ts: skipped, bubblewrap cannot run here");

describe.skipIf(!canRun)("rlm serve: requests share no sandbox state (bubblewrap)", () => {
  it("request B sees no variable, module attribute or /tmp file of request A", async () => {
    const backend: FakeServer = await startFakeOpenAI((request) => {
      if (turnOf(request) > 1) return { text: `FINAL(${lastStdout(request)})` };
      const query = request.messages.findLast((message) => message.content.includes("Query: "))?.content;
      return { text: code(query?.includes("write") ? WRITE : READ) };
    });
    open.push(backend);
    const server: RlmServer = createRlmServer({
      models: { rlm: `openai-compatible:${backend.url}/v1#root` },
      rlm: {
        subModel: `openai-compatible:${backend.url}/v1#sub`,
        sandbox: { runtime: "process", command: bwrapCommand() },
      },
      createEngine: (options) => new RLM(options),
      maxConcurrentRuns: 1,
      sandboxPool: 2,
    });
    open.push(server);
    const url = await server.listen(0);
    const ask = async (query: string) => {
      const answer = await askServer(url, "some context", query);
      expect(answer.status).toBe(200);
      return answer.content ?? "";
    };
    expect(await ask("write")).toBe("written");
    // A's file lived in its own /tmp, not the host's.
    expect(existsSync(TMP_FILE)).toBe(false);
    for (let round = 0; round < 3; round++) {
      const seen = await ask("read");
      expect(seen).toBe("[None, None, None]");
      expect(seen).not.toContain(MARK);
    }
    // Every turn after the first reads the observation of its own code, never another request's.
    const observations = backend.requests.filter((request) => turnOf(request) > 1).map(lastUserMessage);
    expect(observations.filter((text) => text.includes(MARK))).toHaveLength(0);
  });
});
