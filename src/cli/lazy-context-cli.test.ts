import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchPeak } from "../../bench/system/process-memory.js";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, startCli } from "./__fixtures__/run-cli.js";

/**
 * `rlm ask` over a file larger than any sandbox holds (the built binary, as users run it): a sparse
 * 1.5 GB log, whose first and last lines hold the facts, is read lazily; the scripted root model's
 * regex scan in Python finds both, and the host's process tree stays far below the file's size.
 */

const GB = 1024 ** 3;
const SIZE = 1.5 * GB;

/** SIMULATED root: scans `context` with re.finditer, then submits what Python found. */
function lazyScanPolicy(firstMessages: string[]) {
  return (request: { model?: string; messages: { role: string; content: string }[] }) => {
    const turn = request.messages.filter((message) => message.role === "assistant").length;
    if (turn === 0) {
      firstMessages.push(request.messages.find((message) => message.role === "user")?.content ?? "");
      return {
        text: [
          "```repl",
          "import re",
          'codes = [m.group(1) for m in re.finditer(r"code is (\\d+)", context)]',
          "print(type(context).__name__, len(context), codes)",
          "```",
        ].join("\n"),
      };
    }
    return { text: "```repl\nFINAL(f\"codes={','.join(codes)} size={len(context)}\")\n```" };
  };
}

describe("rlm ask: a 1.5 GB file read lazily (built binary)", () => {
  let directory: string;
  let server: FakeServer;
  const firstMessages: string[] = [];
  beforeAll(async () => {
    await ensureBuilt();
    directory = await mkdtemp(join(tmpdir(), "rlm-lazy-cli-"));
    const head = Array.from({ length: 2000 }, (_, index) => `line ${index} ok`).join("\n");
    await writeFile(join(directory, "big.log"), `${head}\nthe code is 17\n`);
    const file = await open(join(directory, "big.log"), "r+");
    // Sparse: the middle is a hole (no disk, reads as NUL bytes); the last line is written at the end.
    const tail = Buffer.from("\nthe code is 4242\n");
    await file.write(tail, 0, tail.length, SIZE - tail.length);
    await file.close();
    server = await startFakeOpenAI(lazyScanPolicy(firstMessages));
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  for (const sandbox of ["pyodide", "process"] as const) {
    it(`finds the first and the last line's facts with the ${sandbox} sandbox, the host holding far less than the file`, async () => {
      const env = cleanEnvironment(directory, {
        RLM_MODEL: `openai-compatible:${server.url}/v1#root`,
        RLM_SUB_MODEL: `openai-compatible:${server.url}/v1#sub`,
      });
      const run = startCli(
        ["ask", "Which codes does the log give?", "big.log", "--sandbox", sandbox, "--timeout", "600", "-q"],
        { env, cwd: directory },
      );
      const peak = watchPeak(run.child.pid ?? 0, 50);
      const result = await run.done;
      const peakBytes = peak.stop();
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe(`codes=17,4242 size=${SIZE}`);
      expect(result.code).toBe(0);
      // The whole tree (CLI, sandbox host, Python) holds windows of the file, never the file.
      expect(peakBytes).toBeLessThan(0.6 * GB);
      expect(firstMessages.at(-1)).toContain("it is lazy");
    }, 300_000);
  }

  it("replays a lazy run from its trajectory: the inputs are read lazily again, the record answers", async () => {
    await writeFile(join(directory, "small.log"), "the code is 5\nthe code is 6\n");
    const env = cleanEnvironment(directory, {
      RLM_MODEL: `openai-compatible:${server.url}/v1#root`,
      RLM_SUB_MODEL: `openai-compatible:${server.url}/v1#sub`,
    });
    const trace = join(directory, "lazy-run.jsonl");
    const asked = await startCli(
      ["ask", "Which codes?", "small.log", "--lazy-context", "--sandbox", "process", "--trace", trace, "-q"],
      { env, cwd: directory },
    ).done;
    expect(asked.stdout.trim()).toBe("codes=5,6 size=28");
    const replayed = await startCli(["replay", trace, "--sandbox", "process"], { env, cwd: directory }).done;
    expect(replayed.stderr).toContain("reproduced");
    expect(replayed.code).toBe(0);
  }, 120_000);
});
