/**
 * A cold run's first model call does not wait for Python: the sandbox boots and loads the context
 * while the root model reads the first message. Shown with a launcher that holds Python back until
 * the fake server has received the first root request: a run that waited for the sandbox before
 * calling the model would never start it. And the first message, written from the context without
 * Python, says what the sandbox's own load report says.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { code, lastStdout, scripted } from "../../test/policies/conversation.js";
import { testModels } from "../../test/policies/harness.js";
import { createSandbox } from "../sandbox/index.js";
import { defaultPythonCommand } from "../sandbox/process/default-python.js";
import type { ContextInput } from "../sandbox/types.js";
import { describeContext, describeContextOnHost } from "./context-description.js";
import { RLM } from "./index.js";

describe("a cold run's first model call", () => {
  it("goes out before Python has started; the first code block then runs on the loaded context", async () => {
    const gate = join(mkdtempSync(join(tmpdir(), "rlm-gate-")), "open");
    const root = scripted([
      () => {
        writeFileSync(gate, "");
        return code("print(len(context))");
      },
      (request) => `FINAL(${lastStdout(request)})`,
    ]);
    const models = await testModels({ root });
    // The launcher waits for the gate file (the first root request opens it), then becomes Python.
    const [python = "python3"] = await defaultPythonCommand();
    const wait = `while [ ! -e '${gate}' ]; do sleep 0.02; done; exec '${python}' "$@"`;
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "process", command: ["/bin/sh", "-c", wait, "rlm-gate"] },
    });
    const context = "The launch is on 3 May. 👋";
    const result = await rlm.completion(context, "How long is it?");
    expect(result.stopReason).toBe("answer");
    expect(result.answer).toBe(String([...context].length));
  });
});

describe("a sandbox that cannot start beside the first model call", () => {
  it("stops the call in flight and fails the run with the sandbox's error (exit 5's code), paying for nothing more", async () => {
    // The reply would take a minute: the run must not wait for it once Python is known not to start.
    const models = await testModels({ root: () => ({ text: "FINAL(too late)", delayMs: 60_000 }) });
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "process", command: ["/nonexistent/python3"] },
    });
    const failure = await rlm.completion("text", "q").then(
      () => undefined,
      (error: unknown) => error as { code?: string; message?: string; result?: { stopReason: string } },
    );
    expect(failure?.code).toBe("sandbox-start-failed");
    expect(failure?.message).toMatch(
      /Failed while starting the process sandbox and loading the context: .*python3/,
    );
    expect(failure?.result?.stopReason).toBe("error");
    // At most the one call that was in flight (the fake records a request once answered).
    expect(models.server.requests.length).toBeLessThanOrEqual(1);
  }, 20_000);
});

describe("the first message without Python", () => {
  const contexts: ContextInput[] = [
    "plain ascii",
    "accents é and an emoji 👋 and a lone surrogate \ud800 in it",
    ["first part 👋", "", "third"],
    { "a.md": "# Title 👋\n", "b.txt": "b" },
  ];

  it("describes each text context exactly as the sandbox's load reports it", async () => {
    const sandbox = await createSandbox({ runtime: "process" });
    try {
      for (const context of contexts) {
        const load = await sandbox.load(context);
        expect(describeContextOnHost(context, "context"), JSON.stringify(context)).toEqual(
          describeContext(context, load, "context"),
        );
      }
    } finally {
      await sandbox.close();
    }
  });

  it("leaves JSON values to the sandbox (their lengths are Python's rendering)", () => {
    expect(describeContextOnHost([1, "two", { three: 3 }], "context")).toBeUndefined();
    expect(describeContextOnHost({ count: 42 }, "context")).toBeUndefined();
  });
});
