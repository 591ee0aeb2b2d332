/**
 * A real trajectory for the viewer tests: an RLM run (process sandbox, real Python) against a fake
 * OpenAI-compatible server, written by the real JSONL writer. The root reads its context, starts a
 * child RLM that makes a plain sub-call, prints the whole context and hits a Python error, then answers. Model output holds
 * markup (`<script>`, `<img onerror>`), which the page must show as text.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RLM } from "../../rlm/index.js";
// The fake server itself, not test/policies/harness.ts: that imports vitest, and
// scripts/screenshots.ts runs this fixture outside a test.
import { startFakeOpenAI } from "../../../test/fakes/fake-openai.js";
import { byModel, code, scripted } from "../../../test/policies/conversation.js";

export const QUERY = "What does the <document> say?";
export const ROOT_CODE = "print(len(context))\nsummary = rlm_query('summarize: ' + context[:40])\nprint('child said', summary)";
/** Prints the whole context (longer than the page shows at first), then fails. */
export const FAILING_CODE = "print(context)\nprint(missing_name)";
export const CHILD_CODE = "reply = llm_query('what is ' + context[:20])\nprint('child saw', reply)";
export const SCRIPT_IN_REPLY = "<script>window.__pwned = 1</script>";
export const IMAGE_IN_SUB_REPLY = '<img src="x" onerror="window.__pwned = 2">';
export const CHILD_ANSWER = "child done";
export const FINAL_ANSWER = "It says <b>hello</b> 20 times";
export const CONTEXT = "hello world document ".repeat(400);

export async function writeTrajectory(): Promise<string> {
  const root = scripted([
    () => `Let me look. ${SCRIPT_IN_REPLY}\n${code(ROOT_CODE)}\n${code(FAILING_CODE)}`,
    () => `FINAL(${FINAL_ANSWER})`,
  ]);
  const child = scripted([() => code(CHILD_CODE), () => `FINAL(${CHILD_ANSWER})`]);
  const server = await startFakeOpenAI(
    byModel({ root, child, sub: () => ({ text: `sub reply ${IMAGE_IN_SUB_REPLY}` }) }),
    { contextLength: 8192 },
  );
  const spec = (name: string) => `openai-compatible:${server.url}/v1#${name}`;
  try {
    const trace = join(mkdtempSync(join(tmpdir(), "rlm-test-")), "viewer.jsonl");
    const rlm = new RLM({
      model: spec("root"),
      subModel: spec("sub"),
      depthModels: [spec("root"), spec("child")],
      maxDepth: 2,
      sandbox: { runtime: "process" },
      trace,
    });
    const result = await rlm.completion(CONTEXT, QUERY);
    if (result.answer !== FINAL_ANSWER) throw new Error(`The fixture run answered ${JSON.stringify(result.answer)}.`);
    return trace;
  } finally {
    await server.close();
  }
}
