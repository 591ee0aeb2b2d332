/**
 * The most common failure with small local models, through the built `rlm` binary: a root model
 * that never writes code. The run stops on max-errors and says why (a model too small to drive an
 * RLM, what to do), and `--verbose` shows its replies and the notes the loop sent it.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testModels } from "../../test/policies/harness.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli } from "./__fixtures__/run-cli.js";

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe("rlm ask with a root model that writes no code (built binary)", () => {
  it("stops on max-errors, says why and what to do; -q -v still shows every reply and note", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rlm-no-code-"));
    writeFileSync(join(directory, "notes.txt"), "The meeting moved to Thursday.");
    const models = await testModels({ root: () => ({ text: "The meeting is probably on Monday." }) });
    const result = await runCli(
      ["ask", "When is the meeting?", "notes.txt", "-m", models.spec("root")].concat([
        "--sandbox",
        "process",
        "--no-check",
        "-q",
        "-v",
      ]),
      { env: cleanEnvironment(directory, {}), cwd: directory },
    );
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("── turn 1 reply (no code block) ──\nThe meeting is probably on Monday.");
    expect(result.stderr).toContain("── note to the model ──");
    expect(result.stderr).toMatch(
      /wrote no ```repl code block in 5 replies.*Use a larger root model \(--model\)/s,
    );
    expect(result.stderr).toContain("stopped by max-errors");
    // -q: no status line.
    expect(result.stderr).not.toContain("[rlm]");
  }, 120_000);
});
