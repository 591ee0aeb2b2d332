import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { makePdf } from "../inputs/__fixtures__/make-pdf.js";
import { codeWritingPolicy } from "./__fixtures__/code-writing-policy.js";
import {
  BINARY,
  BUILD_TIMEOUT_MS,
  cleanEnvironment,
  closedPort,
  ensureBuilt,
  runCli,
} from "./__fixtures__/run-cli.js";

/**
 * The built `rlm` binary, run as a subprocess against a fake OpenAI-compatible backend whose
 * "model" writes Python: every answer below was computed by real Python over the real input.
 */

let server: FakeServer;
let directory: string;
let environment: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI(codeWritingPolicy());
  directory = await mkdtemp(join(tmpdir(), "rlm-cli-"));
  await writeFile(join(directory, "notes.md"), "# Notes\nThe vault code is 4471, remember it.\n");
  await writeFile(join(directory, "empty.txt"), "");
  await writeFile(
    join(directory, "photo.jpg"),
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0, 1]),
  );
  await mkdir(join(directory, "project", "src"), { recursive: true });
  await writeFile(join(directory, "project", ".gitignore"), "secrets.txt\n");
  await writeFile(join(directory, "project", "secrets.txt"), "the code is 999\n");
  await writeFile(join(directory, "project", "src", "a.py"), "# the code is 12\n");
  await writeFile(join(directory, "project", "src", "b.py"), "# the code is 3\n");
  await writeFile(join(directory, "project", "spec.pdf"), makePdf([["Appendix: the code is 7"]]));
  // The config file picks the native-Python sandbox (faster to start); one test overrides it with a flag.
  await mkdir(join(directory, ".config", "rlm"), { recursive: true });
  await writeFile(
    join(directory, ".config", "rlm", "config.json"),
    JSON.stringify({ sandbox: { runtime: "process" } }),
  );
  environment = cleanEnvironment(directory, {
    RLM_MODEL: `openai-compatible:${server.url}/v1#root`,
    RLM_SUB_MODEL: `openai-compatible:${server.url}/v1#sub`,
  });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describe("rlm ask (built binary)", () => {
  it("answers over a file, with plain progress lines on a piped stderr", async () => {
    const result = await runCli(["ask", "What is the vault code?", "notes.md"], {
      env: environment,
      cwd: directory,
    });
    expect(result.stderr).toMatch(/\[rlm\] turn 1 · sub-calls 1\/1 · [\d,]+ tokens · \$0\.0000 · \d+\.\d+s/);
    expect(result.stderr).not.toContain("\r");
    expect(result.stdout).toBe("codes=4471 parts=1 files= sub=words=9\n");
    expect(result.code).toBe(0);
  });

  it("writes the trajectory with --trace, and rlm view serves it", async () => {
    const result = await runCli(["ask", "Which codes?", "notes.md", "-q", "--trace", "run.jsonl"], {
      env: environment,
      cwd: directory,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("rlm: trajectory in run.jsonl (open it with: rlm view run.jsonl)");
    const lines = (await readFile(join(directory, "run.jsonl"), "utf8")).trim().split("\n");
    const all = lines.map((line) => JSON.parse(line) as { type: string; site?: string });
    // Each model reply is recorded (a `call` line) the moment it arrives, before its turn's line.
    expect(all.filter((record) => record.type === "call").map((record) => record.site)).toEqual([
      "1",
      "s1",
      "2",
    ]);
    expect(all[0]?.type).toBe("metadata");
    const records = all.filter((record) => record.type !== "call" && record.type !== "window");
    expect(records.map((record) => record.type)).toEqual(["metadata", "iteration", "iteration", "result"]);
    expect(records[3]).toMatchObject({
      answer: "codes=4471 parts=1 files= sub=words=9",
      stop_reason: "answer",
    });

    const viewer = spawn(process.execPath, [BINARY, "view", "run.jsonl", "--port", "0"], {
      cwd: directory,
      env: environment,
    });
    try {
      let output = "";
      viewer.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      while (!/ at (http:\S+)/.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
      const url = (/ at (http:\S+)/.exec(output) as RegExpExecArray)[1] as string;
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
    } finally {
      viewer.kill("SIGTERM");
    }
    const missing = await runCli(["view", "nope.jsonl"], { env: environment, cwd: directory });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("Cannot read the trajectory file");
  });

  it("rlm view DIR --open lists the folder and runs the platform opener (a fake xdg-open on PATH)", async () => {
    const traces = join(directory, "traces");
    const bin = join(directory, "fake-bin");
    await mkdir(traces, { recursive: true });
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(traces, "one.jsonl"),
      `${JSON.stringify({ type: "metadata", query: "Which codes?", started_at: "2026-01-01T00:00:00.000Z" })}\n`,
    );
    const seen = join(bin, "seen.txt");
    await writeFile(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`, { mode: 0o755 });
    const viewer = spawn(process.execPath, [BINARY, "view", "traces", "--open", "--port", "0"], {
      cwd: directory,
      env: { ...environment, PATH: `${bin}:${environment.PATH ?? ""}` },
    });
    try {
      let output = "";
      viewer.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      while (!/ at (http:\S+)/.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
      const url = (/ at (http:\S+)/.exec(output) as RegExpExecArray)[1] as string;
      expect(output).toMatch(/^2026-01-01 00:00:00 {2}unfinished .* one\.jsonl {2}Which codes\?$/m);
      expect(url).toContain("?list=list.json&name=traces");
      let opened = "";
      while (opened === "") {
        opened = await readFile(seen, "utf8").catch(() => "");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(opened).toBe(`${url}\n`);
    } finally {
      viewer.kill("SIGTERM");
    }
  });

  it("reads stdin (in the pyodide sandbox, chosen by flag over the config file)", async () => {
    const result = await runCli(["ask", "Which codes?", "-q", "--sandbox", "pyodide"], {
      env: environment,
      cwd: directory,
      input: "first the code is 5, then the code is 41\n",
    });
    expect(result.stdout).toBe("codes=5,41 parts=1 files= sub=words=10\n");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("reads a directory as a dict (PDF text included), honouring .gitignore, and prints the full result with --json", async () => {
    const result = await runCli(["ask", "Which codes?", "project", "--json", "-q"], {
      env: environment,
      cwd: directory,
    });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      answer:
        "codes=3,7,12 parts=4 files=project/.gitignore,project/spec.pdf,project/src/a.py,project/src/b.py sub=words=1",
      stopReason: "answer",
      iterations: 2,
      subCalls: 1,
      inputs: [
        { name: "project/.gitignore", kind: "text" },
        { name: "project/spec.pdf", kind: "pdf" },
        { name: "project/src/a.py", kind: "text" },
        { name: "project/src/b.py", kind: "text" },
      ],
    });
    const usage = parsed.usage as Record<string, { calls: number }>;
    expect(usage[`openai-compatible:${server.url}/v1#root`]?.calls).toBe(2);
    expect(usage[`openai-compatible:${server.url}/v1#sub`]?.calls).toBe(1);
  });

  it("fails clearly on a missing file, a binary file and an empty input (exit 3)", async () => {
    const missing = await runCli(["ask", "q", "nope.md"], { env: environment, cwd: directory });
    expect(missing).toMatchObject({ code: 3, stdout: "" });
    expect(missing.stderr).toContain("rlm: No such file or directory: nope.md\n  → Check the path");

    const binary = await runCli(["ask", "q", "photo.jpg"], { env: environment, cwd: directory });
    expect(binary.code).toBe(3);
    expect(binary.stderr).toContain("photo.jpg is a binary file, not text.");

    const empty = await runCli(["ask", "q", "empty.txt"], { env: environment, cwd: directory });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain("The input is empty: empty.txt has no text");

    const emptyStdin = await runCli(["ask", "q", "--json"], { env: environment, cwd: directory, input: "" });
    expect(emptyStdin.code).toBe(3);
    expect(JSON.parse(emptyStdin.stdout)).toMatchObject({ error: { code: "input-empty", exitCode: 3 } });
  });

  it("says when the backend is unreachable and offers the embedded engine (exit 4)", async () => {
    const port = await closedPort();
    const result = await runCli(["ask", "q", "notes.md"], {
      env: {
        ...environment,
        RLM_MODEL: "ollama:qwen3:4b",
        RLM_SUB_MODEL: "ollama:qwen3:4b",
        OLLAMA_HOST: `127.0.0.1:${port}`,
      },
      cwd: directory,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`Ollama is not reachable at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(result.stderr).toContain("use the embedded engine: --model llamacpp:hf:Qwen/Qwen3-4B-GGUF:Q4_K_M");
  });

  it("refuses bad flags and a bad config file (exit 2)", async () => {
    const flag = await runCli(["ask", "q", "notes.md", "--max-cost", "lots"], {
      env: environment,
      cwd: directory,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("argument 'lots' is invalid. Expected a number above 0.");
    await writeFile(join(directory, "bad.json"), "{ not json");
    const config = await runCli(["ask", "q", "notes.md", "--config", "bad.json"], {
      env: environment,
      cwd: directory,
    });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/The config file .*bad\.json is not valid: it is not JSON/);
  });
});
