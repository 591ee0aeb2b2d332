/**
 * Recursion end to end: `rlm_query` starts child RLMs with their own sandboxes and per-depth
 * models, down to `maxDepth`, where it falls back to a plain sub-model call. Children share the
 * budget and the pool (usage includes them), and their trajectories nest in the parent's record.
 */

import { describe, expect, it } from "vitest";
import type { FakePolicy } from "../../test/fakes/types.js";
import { code, lastUserMessage, scripted, turnOf } from "../../test/policies/conversation.js";
import { makeDocument } from "../../test/policies/documents.js";
import { READING_ANSWER, READING_NEEDLE, readerSub } from "../../test/policies/experiments.js";
import { promptsSeenBy, testModels, traceFile } from "../../test/policies/harness.js";
import { relayRoot } from "../../test/policies/recursion.js";
import { readTrajectory } from "../trace/index.js";
import type { RlmEvent } from "../trace/types.js";
import { RLM } from "./index.js";

describe("recursion", () => {
  it("depth 2: root -> child RLMs -> grandchild RLMs -> sub-model, with per-depth models", async () => {
    const document = makeDocument({ chars: 20_000, needle: READING_NEEDLE, at: 0.5 });
    const chunks = Math.ceil(document.length / 6000);
    const models = await testModels({
      root: relayRoot,
      child: relayRoot,
      grandchild: relayRoot,
      sub: readerSub,
    });
    const spec = models.spec;
    const trace = traceFile("depth2");
    const events: RlmEvent[] = [];
    const rlm = new RLM({
      model: spec("root"),
      subModel: spec("sub"),
      depthModels: [spec("root"), spec("child"), spec("grandchild")],
      maxDepth: 3,
      sandbox: { runtime: "process" },
      trace,
      onEvent: (event) => events.push(event),
    });
    const result = await rlm.completion(document, "Where was the spare key hidden?");

    expect(result).toMatchObject({ answer: READING_ANSWER, stopReason: "answer", depth: 2 });
    // Each chunk: one rlm_query from the root, one from its child, one plain call from the grandchild.
    expect(result.subCalls).toBe(chunks * 3);
    expect(result.usage[spec("root")]?.calls).toBe(3);
    expect(result.usage[spec("child")]?.calls).toBe(chunks * 3);
    expect(result.usage[spec("grandchild")]?.calls).toBe(chunks * 3);
    expect(result.usage[spec("sub")]?.calls).toBe(chunks);
    expect(promptsSeenBy(models.server, "root")).not.toContain(READING_NEEDLE);
    expect(new Set(events.map((event) => event.depth))).toEqual(new Set([0, 1, 2]));

    const { runs } = await readTrajectory(trace);
    const rootCalls = runs[0]?.iterations[1]?.code_blocks[0]?.result.rlm_calls ?? [];
    expect(rootCalls).toHaveLength(chunks);
    const child = rootCalls[0];
    expect(child).toMatchObject({ kind: "rlm", model: spec("child") });
    expect(child?.children?.map((iteration) => iteration.depth)).toEqual([1, 1, 1]);
    const grandchild = child?.children?.[1]?.code_blocks[0]?.result.rlm_calls[0];
    expect(grandchild).toMatchObject({ kind: "rlm", model: spec("grandchild") });
    const plain = grandchild?.children?.[1]?.code_blocks[0]?.result.rlm_calls[0];
    expect(plain).toMatchObject({ kind: "llm", model: spec("sub") });
    expect(rootCalls.filter((call) => call.response === READING_ANSWER)).toHaveLength(1);
  });

  it("aborting cancels the children and their in-flight calls", async () => {
    const document = makeDocument({ chars: 20_000, needle: READING_NEEDLE });
    const caller = new AbortController();
    let stuck = 0;
    const stuckChild: FakePolicy = (request) => {
      if (turnOf(request) === 1) return relayRoot(request);
      // Each child probes, then its next call hangs; once two hang, the caller gives up.
      stuck++;
      if (stuck === 2) setTimeout(() => caller.abort(), 50);
      return { text: "never", delayMs: 30_000 };
    };
    const models = await testModels({ root: relayRoot, child: stuckChild, sub: readerSub });
    const trace = traceFile("abort-children");
    const events: RlmEvent[] = [];
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      depthModels: [models.spec("root"), models.spec("child")],
      maxDepth: 2,
      sandbox: { runtime: "process" },
      trace,
      onEvent: (event) => events.push(event),
    });
    const result = await rlm.completion(document, "Where was the spare key hidden?", {
      signal: caller.signal,
    });

    expect(result.stopReason).toBe("aborted");
    expect(result.depth).toBe(1);
    const rlmEnds = events.filter((event) => event.type === "subcall-end" && event.kind === "rlm");
    expect(rlmEnds.length).toBeGreaterThan(0);
    expect(rlmEnds.every((event) => event.type === "subcall-end" && event.error !== undefined)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(models.server.inFlight).toBe(0);
    const { runs } = await readTrajectory(trace);
    expect(runs[0]?.result?.stop_reason).toBe("aborted");
  });

  it("a child whose model fails raises an [error] in the parent's code, and the parent goes on", async () => {
    const root = scripted([
      () =>
        code(
          "reply = rlm_query('Find the key in this text: the key is under the mat.')\nprint([reply[:60]])",
        ),
      // A single rlm_query that failed raises in Python: the traceback shows the error.
      (request) =>
        `FINAL(${lastUserMessage(request).includes("the child model refuses") ? "the child failed" : "no error"})`,
    ]);
    const models = await testModels({
      root,
      child: () => ({ fault: "status", status: 400, message: "the child model refuses" }),
    });
    const trace = traceFile("child-error");
    const rlm = new RLM({
      model: models.spec("root"),
      depthModels: [models.spec("root"), models.spec("child")],
      maxDepth: 2,
      sandbox: { runtime: "process" },
      pool: { maxRetries: 0 },
      trace,
    });
    const result = await rlm.completion("some text", "Where is the key?");
    expect(result).toMatchObject({ answer: "the child failed", stopReason: "answer", depth: 1, subCalls: 1 });
    const { runs } = await readTrajectory(trace);
    const call = runs[0]?.iterations[0]?.code_blocks[0]?.result.rlm_calls[0];
    expect(call?.kind).toBe("rlm");
    expect(call?.error).toContain("the child model refuses");
  });

  it("maxDepth 1: rlm_query is a plain sub-model call", async () => {
    const document = makeDocument({ chars: 3_000, needle: READING_NEEDLE });
    const models = await testModels({ root: relayRoot, sub: readerSub });
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "process" },
    });
    const result = await rlm.completion(document, "Where was the spare key hidden?");
    expect(result).toMatchObject({ answer: READING_ANSWER, depth: 0, subCalls: 1 });
    expect(result.usage[models.spec("sub")]?.calls).toBe(1);
  });
});
