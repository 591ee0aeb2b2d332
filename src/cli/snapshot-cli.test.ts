import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { code, lastStdout, scripted } from "../../test/policies/conversation.js";
import { testModels } from "../../test/policies/harness.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli } from "./__fixtures__/run-cli.js";

/**
 * A short `rlm ask` on the default (pyodide) sandbox leaves the start-up snapshot in the cache for
 * the next cold start, and no partial file: the command waits for the store before it exits.
 */

let home: string;

beforeAll(async () => {
  await ensureBuilt();
  home = await mkdtemp(join(tmpdir(), "rlm-snapshot-cli-"));
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("the start-up snapshot from the command line", () => {
  it("is stored by a one-shot rlm ask that ends at once", async () => {
    const root = scripted([() => code("print(len(context))"), (request) => `FINAL(${lastStdout(request)})`]);
    const models = await testModels({ root });
    await writeFile(join(home, "notes.md"), "The vault code is 4471.\n");
    const result = await runCli(
      ["ask", "How long?", "notes.md", "-q", "-m", models.spec("root"), "-s", models.spec("root")],
      { env: cleanEnvironment(home, {}), cwd: home },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("24\n");
    const cached = await readdir(join(home, ".cache", "rlm"));
    expect(cached.filter((name) => name.endsWith(".snapshot"))).toHaveLength(1);
    expect(cached.filter((name) => name.endsWith(".snapshot.json"))).toHaveLength(1);
    expect(cached.filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, 60_000);
});
