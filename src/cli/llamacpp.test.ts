import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveTinyModels, RANDOM_TINY, skipMessage } from "../models/llamacpp/__fixtures__/tiny-models.js";
import { BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, runCli } from "./__fixtures__/run-cli.js";
import type { Check } from "./doctor/check.js";

/**
 * The embedded llama.cpp engine from the built `rlm` binary, as a user without a model server
 * meets it: its settings from each configuration source, `rlm doctor` loading what it checks, and
 * each failure class with its exit code and one line of message. Real llama.cpp on the tiny
 * models of `../shared/models` (always one thread on these machines).
 */

if (!haveTinyModels) console.warn(skipMessage);

const TINY = `llamacpp:${RANDOM_TINY}`;
const BOTH_TINY = ["--model", TINY, "--sub-model", TINY];
const CALL_TIMEOUT_MS = 120_000;

let home: string;
let document: string;

beforeAll(async () => {
  await ensureBuilt();
  home = await mkdtemp(join(tmpdir(), "rlm-llamacpp-cli-"));
  document = join(home, "report.txt");
  await writeFile(document, "The launch is on 3 May.\n");
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function doctor(args: string[], extra: Record<string, string> = {}) {
  const result = await runCli(["doctor", "--no-sandbox-check", "--json", ...args], {
    env: cleanEnvironment(home, extra),
  });
  const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
  return { code: result.code, root: checks[1] as Check };
}

/** How many lines of `text` contain `part`: each message is said once. */
function linesWith(text: string, part: string): number {
  return text.split("\n").filter((line) => line.includes(part)).length;
}

describe.skipIf(!haveTinyModels)("llama.cpp settings from every source (built binary)", () => {
  it(
    "the config file sets the window and threads (for all models or one), the environment beats it, a flag beats both; doctor loads and generates",
    async () => {
      const configPath = join(home, "llama-config.json");
      await writeFile(configPath, JSON.stringify({ llamacpp: { contextSize: 1024, threads: 1 } }));
      const fromFile = await doctor([...BOTH_TINY, "--config", configPath]);
      expect(fromFile.code).toBe(0);
      expect(fromFile.root).toMatchObject({ status: "ok" });
      expect(fromFile.root.detail).toContain(
        "context 1024 tokens of the 2048 it was trained with; 1 thread, CPU only",
      );
      expect(fromFile.root.detail).toMatch(
        /generated a token in [\d.]+ s; the opening prompt takes about \d+ tokens/,
      );

      // Settings for one model, by what follows `llamacpp:` in its spec, beat those for all.
      const perModelPath = join(home, "llama-per-model.json");
      await writeFile(
        perModelPath,
        JSON.stringify({
          llamacpp: { contextSize: 1024, threads: 1, models: { [RANDOM_TINY]: { contextSize: 1280 } } },
        }),
      );
      const perModel = await doctor([...BOTH_TINY, "--config", perModelPath]);
      expect(perModel.root.detail).toContain("context 1280 tokens");

      const fromEnvironment = await doctor([...BOTH_TINY, "--config", configPath], {
        RLM_LLAMA_CONTEXT_SIZE: "1536",
      });
      expect(fromEnvironment.root.detail).toContain("context 1536 tokens");

      const fromFlag = await doctor([...BOTH_TINY, "--config", configPath, "--llama-context-size", "2048"], {
        RLM_LLAMA_CONTEXT_SIZE: "1536",
      });
      expect(fromFlag.root.detail).toContain("context 2048 tokens of the 2048 it was trained with; 1 thread");
    },
    CALL_TIMEOUT_MS,
  );

  it("refuses a setting that is not a number, naming where it came from (exit 2)", async () => {
    const fromEnvironment = await runCli(["ask", "When?", document, ...BOTH_TINY], {
      env: cleanEnvironment(home, { RLM_LLAMA_CONTEXT_SIZE: "lots" }),
    });
    expect(fromEnvironment.code).toBe(2);
    expect(fromEnvironment.stderr).toContain(
      'RLM_LLAMA_CONTEXT_SIZE must be a whole number above 0, got "lots".',
    );

    const fromFlag = await runCli(["ask", "When?", document, ...BOTH_TINY, "--llama-gpu-layers", "some"], {
      env: cleanEnvironment(home, {}),
    });
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain("Expected a whole number from 0, auto or max.");

    const configPath = join(home, "bad-llama-config.json");
    await writeFile(configPath, JSON.stringify({ llamacpp: { contextSize: -5 } }));
    const fromFile = await runCli(["ask", "When?", document, ...BOTH_TINY, "--config", configPath], {
      env: cleanEnvironment(home, {}),
    });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain("contextSize");
  });
});

describe.skipIf(!haveTinyModels)("llama.cpp failure classes (built binary)", () => {
  it(
    "a window too small for the opening prompt: doctor fails with the numbers, ask exits 4 saying it once",
    async () => {
      const small = ["--llama-context-size", "256", "--llama-threads", "1"];
      const checked = await doctor([...BOTH_TINY, ...small]);
      expect(checked.code).toBe(1);
      expect(checked.root).toMatchObject({ status: "fail", code: "context-overflow" });
      expect(checked.root.detail).toMatch(
        /The llama\.cpp context holds 256 tokens, too few for the root model's opening prompt: about \d+ tokens/,
      );
      expect(checked.root.fix).toContain("from 256 up to the model's training context of 2048 tokens");

      const asked = await runCli(["ask", "When?", document, ...BOTH_TINY, ...small], {
        env: cleanEnvironment(home, {}),
      });
      expect(asked.code).toBe(4);
      expect(asked.stdout).toBe("");
      expect(linesWith(asked.stderr, "The llama.cpp context holds 256 tokens")).toBe(1);
    },
    CALL_TIMEOUT_MS,
  );

  it("a window the machine's memory cannot hold: refused before llama.cpp allocates it (exit 4)", async () => {
    // About 11 TB of KV cache for this model: llama.cpp itself would page memory in for minutes.
    const huge = ["--llama-context-size", "1000000000", "--llama-threads", "1"];
    const checked = await doctor([...BOTH_TINY, ...huge]);
    expect(checked.code).toBe(1);
    expect(checked.root).toMatchObject({ status: "fail", code: "llamacpp-out-of-memory" });
    expect(checked.root.detail).toMatch(
      /Not enough memory for a 1000000000-token llama\.cpp context for .*: it needs about [\d.]+ GB and [\d.]+ GB is available\./,
    );
    expect(checked.root.fix).toContain("Lower contextSize");

    const asked = await runCli(["ask", "When?", document, ...BOTH_TINY, ...huge], {
      env: cleanEnvironment(home, {}),
    });
    expect(asked.code).toBe(4);
    expect(linesWith(asked.stderr, "Not enough memory")).toBe(1);
  });

  it("a file that is not a GGUF model: doctor fails, ask exits 4, each saying what the file starts with", async () => {
    const fake = join(home, "notes.gguf");
    await writeFile(fake, "these are my notes\n");
    const spec = `llamacpp:${fake}`;
    const checked = await doctor(["--model", spec, "--sub-model", spec]);
    expect(checked.code).toBe(1);
    expect(checked.root).toMatchObject({
      status: "fail",
      code: "model-file-invalid",
      detail: `${fake} is not a GGUF model file (it starts with "thes", not "GGUF").`,
    });

    const asked = await runCli(["ask", "When?", document, "--model", spec, "--sub-model", spec], {
      env: cleanEnvironment(home, {}),
    });
    expect(asked.code).toBe(4);
    expect(linesWith(asked.stderr, "is not a GGUF model file")).toBe(1);
  });

  describe("an hf: model whose download server refuses it", () => {
    let server: Server;
    const requests: string[] = [];

    beforeAll(async () => {
      // Hugging Face's API answers 404 for a repository that does not exist.
      server = createServer((request, response) => {
        requests.push(`${request.method} ${request.url}`);
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "Repository not found" }));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it("doctor fails with the reason; ask exits 4 at once, asking each URL once (no retries)", async () => {
      const { port } = server.address() as AddressInfo;
      const cache = join(home, "models-cache");
      await mkdir(cache, { recursive: true });
      const environment = { HF_ENDPOINT: `http://127.0.0.1:${port}/`, XDG_CACHE_HOME: cache };
      const spec = "llamacpp:hf:nobody/no-such-model-GGUF:Q4_K_M";

      const checked = await doctor(["--model", spec, "--sub-model", spec], environment);
      expect(checked.code).toBe(1);
      expect(checked.root.status).toBe("fail");
      expect(checked.root.detail).toContain("Could not download hf:nobody/no-such-model-GGUF:Q4_K_M");
      expect(checked.root.fix).toContain("HF_ENDPOINT");

      requests.length = 0;
      const asked = await runCli(["ask", "When?", document, "--model", spec, "--sub-model", spec], {
        env: cleanEnvironment(home, environment),
      });
      expect(asked.code).toBe(4);
      expect(linesWith(asked.stderr, "Could not download hf:nobody/no-such-model-GGUF:Q4_K_M")).toBe(1);
      expect(requests.length).toBeGreaterThan(0);
      expect(new Set(requests).size).toBe(requests.length);
    });
  });
});

describe.skipIf(!haveTinyModels)("a small model that never writes code (built binary)", () => {
  it(
    "gets the compact prompt in its small window, its replies shown with -v, and an exit 6 that says why",
    async () => {
      const configPath = join(home, "no-code-config.json");
      await writeFile(configPath, JSON.stringify({ limits: { maxErrors: 2 }, llamacpp: { threads: 1 } }));
      const trace = join(home, "no-code.jsonl");
      const result = await runCli(
        [
          "ask",
          "When is the launch?",
          document,
          ...BOTH_TINY,
          "--config",
          configPath,
          "-v",
          "--trace",
          trace,
        ],
        { env: cleanEnvironment(home, {}) },
      );
      expect(result.code).toBe(6);
      // The window (2,048 tokens, the model's training context) gets the compact system prompt, said once.
      expect(
        linesWith(result.stderr, "has a 2,048-token window (under 4,096): it gets the compact system prompt"),
      ).toBe(1);
      expect(result.stderr).toContain("(no code block) ──");
      expect(result.stderr).toContain(
        "wrote no ```repl code block in 2 replies, so it never looked at the context: it is likely too small",
      );
      expect(result.stderr).toContain("Use a larger root model (--model)");
    },
    CALL_TIMEOUT_MS,
  );
});
