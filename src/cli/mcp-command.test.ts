import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ListRootsRequestSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakePolicy, type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "./__fixtures__/code-writing-policy.js";
import { BINARY, BUILD_TIMEOUT_MS, cleanEnvironment, ensureBuilt, ROOT } from "./__fixtures__/run-cli.js";

/**
 * `rlm mcp` as an MCP client starts it: the built binary, spawned by the official SDK's `Client`
 * with `StdioClientTransport`, against a fake OpenAI-compatible backend whose "model" writes
 * Python. Answers are computed by real Python over the real files; refusals are checked on the
 * backend too (a refused call makes no model request).
 */

const SLOW = "SLOW";
const PACED = "PACED";
/**
 * Quick answers, except for a question with SLOW in it (40 warm-up turns of 300 ms each) or PACED
 * (2 warm-up turns, 600 ms a reply: long enough for progress past the throttle).
 */
const policy: FakePolicy = (request) => {
  if (request.model === "locked")
    return { fault: "status", status: 401, message: "Incorrect API key provided" };
  const asked = (word: string) => request.messages.some((message) => message.content.includes(word));
  if (asked(SLOW)) return codeWritingPolicy({ extraTurns: 40, rootDelayMs: 300 })(request);
  if (asked(PACED)) return codeWritingPolicy({ extraTurns: 2, rootDelayMs: 600 })(request);
  return codeWritingPolicy()(request);
};

let backend: FakeServer;
let home: string;
let root: string;
let environment: Record<string, string>;

interface Session {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  /** Errors the client saw on the transport (a stray line on stdout would be one). */
  errors: Error[];
}
const sessions: Session[] = [];

async function connect(options: { args?: string[]; roots?: string[] } = {}): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BINARY, "mcp", "--sandbox", "process", "--no-check", ...(options.args ?? [])],
    env: environment,
    cwd: root,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client(
    { name: "rlm-test", version: "1.0.0" },
    { capabilities: options.roots ? { roots: { listChanged: true } } : {} },
  );
  const roots = options.roots;
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((path) => ({ uri: pathToFileURL(path).href })),
    }));
  }
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  const session = { client, transport, stderr: () => stderr, errors };
  sessions.push(session);
  return session;
}

function texts(result: Awaited<ReturnType<Client["callTool"]>>): string[] {
  return (result.content as { type: string; text: string }[]).map((part) => part.text);
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await ensureBuilt();
  backend = await startFakeOpenAI(policy);
  home = await mkdtemp(join(tmpdir(), "rlm-mcp-"));
  root = join(home, "project");
  await mkdir(join(root, "sub"), { recursive: true });
  await mkdir(join(home, "outside"), { recursive: true });
  await writeFile(join(root, "notes.md"), "# Notes\nThe vault code is 4471, remember it.\n");
  await writeFile(join(root, "sub", "a.txt"), "the code is 12\n");
  await writeFile(join(home, "outside", "secret.txt"), "the code is 31337\n");
  await symlink(join(home, "outside", "secret.txt"), join(root, "link-out.txt"));
  await symlink(join(home, "outside"), join(root, "dir-link"));
  environment = cleanEnvironment(home, {
    RLM_MODEL: `openai-compatible:${backend.url}/v1#root`,
    RLM_SUB_MODEL: `openai-compatible:${backend.url}/v1#sub`,
  });
}, BUILD_TIMEOUT_MS);

afterEach(async () => {
  for (const session of sessions.splice(0)) {
    expect(session.errors, session.stderr()).toEqual([]);
    await session.client.close();
  }
});

afterAll(async () => {
  await backend?.close();
  await rm(home, { recursive: true, force: true });
});

describe("rlm mcp (built binary, official MCP client)", () => {
  it("lists rlm_ask with its input schema", async () => {
    const { client } = await connect();
    expect(client.getServerVersion()?.name).toBe("rlm");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["rlm_ask"]);
    const schema = tools[0]?.inputSchema as {
      type: string;
      properties: Record<string, { type: string; items?: { type: string } }>;
      required: string[];
    };
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["question"]);
    expect(schema.properties.question?.type).toBe("string");
    expect(schema.properties.paths).toMatchObject({ type: "array", items: { type: "string" } });
    expect(schema.properties.text?.type).toBe("string");
    expect(tools[0]?.description).toContain(root);
  });

  it("answers over a file with progress notifications and a usage summary, then over text", async () => {
    const { client } = await connect();
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: "rlm_ask", arguments: { question: `${PACED}: what is the vault code?`, paths: ["notes.md"] } },
      undefined,
      { onprogress: (update) => progress.push(update) },
    );
    expect(result.isError).toBeFalsy();
    const [answer, summary] = texts(result);
    expect(answer).toBe("codes=4471 parts=1 files= sub=words=9");
    expect(summary).toMatch(/^stop: answer · 4 turns · 1 sub-call · \d+\.\ds$/m);
    expect(summary).toMatch(/#root: 4 calls, [\d,]+ prompt \+ [\d,]+ completion tokens/);
    expect(summary).toMatch(/#sub: 1 call, /);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]?.message).toMatch(/^starting the sandbox · \d+\.\ds$/);
    expect(progress.map((update) => update.message)).toContainEqual(
      expect.stringMatching(/^turn [1-4] · sub-calls [01]\/[01] · [\d,]+ tokens · \d+\.\ds$/),
    );
    const values = progress.map((update) => update.progress);
    expect(values).toEqual([...values].sort((left, right) => left - right));
    expect(new Set(values).size).toBe(values.length);

    const both = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "Which codes?", paths: ["sub"], text: "first the code is 5, then 41" },
    });
    expect(texts(both)[0]).toBe("codes=5,12 parts=2 files=<text>,sub/a.txt sub=words=7");
  });

  it("refuses paths outside the root (absolute, `..`, links out, globs) and asks no model", async () => {
    const { client } = await connect();
    const before = backend.requests.length;
    for (const path of [
      "/etc/passwd",
      "../outside/secret.txt",
      join(home, "outside", "secret.txt"),
      "link-out.txt",
      "dir-link/secret.txt",
      "dir-link",
      "/**",
      "../**",
      "../*/secret.txt",
    ]) {
      const result = await client.callTool({
        name: "rlm_ask",
        arguments: { question: "What is the code?", paths: [path] },
      });
      expect(result.isError, path).toBe(true);
      const [text] = texts(result);
      expect(text, path).toMatch(/^rlm_ask failed \(input-outside-root\): Refused to read /);
      expect(text, path).toContain(`this server reads only inside ${root}`);
      expect(text, path).toMatch(/\n→ /);
      expect(text, path).not.toContain("31337");
    }
    const stdin = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the code?", paths: ["-"] },
    });
    expect(texts(stdin)[0]).toMatch(/^rlm_ask failed \(usage\): `-` \(stdin\) cannot be read here/);
    const nothing = await client.callTool({ name: "rlm_ask", arguments: { question: "What?" } });
    expect(texts(nothing)[0]).toMatch(/^rlm_ask failed \(input-missing\): Nothing to read/);
    expect(backend.requests.length).toBe(before);
  });

  it("returns a failed run as a tool error with the catalogue's code, message and hint", async () => {
    const { client } = await connect({ args: ["--model", `openai-compatible:${backend.url}/v1#locked`] });
    const result = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the code?", text: "the code is 7" },
    });
    expect(result.isError).toBe(true);
    expect(texts(result)[0]).toMatch(/^rlm_ask failed \(authentication-failed\): .*\n→ \S/s);
  });

  it("reads only inside the client's MCP roots as well as --root", async () => {
    const { client } = await connect({ roots: [join(root, "sub"), join(home, "outside")] });
    const before = backend.requests.length;
    const refused = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the code?", paths: ["notes.md"] },
    });
    expect(refused.isError).toBe(true);
    expect(texts(refused)[0]).toContain("within the client's roots");
    // A client root outside --root allows nothing there: the client narrows, never widens.
    const outside = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the code?", paths: [join(home, "outside", "secret.txt")] },
    });
    expect(outside.isError).toBe(true);
    expect(backend.requests.length).toBe(before);
    const answered = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the code?", paths: ["sub/a.txt"] },
    });
    expect(texts(answered)[0]).toBe("codes=12 parts=1 files= sub=words=4");
  });

  it("stops a cancelled run (no further model requests) and answers the next call", async () => {
    const session = await connect({ args: ["--root", root] });
    const { client } = session;
    const aborter = new AbortController();
    let turn = 0;
    const call = client
      .callTool(
        { name: "rlm_ask", arguments: { question: `${SLOW}: what is the code?`, paths: ["notes.md"] } },
        undefined,
        {
          signal: aborter.signal,
          onprogress: (update) => {
            turn = Number(/^turn (\d+)/.exec(update.message ?? "")?.[1] ?? turn);
          },
        },
      )
      .then(
        () => "answered",
        (error: unknown) => `rejected: ${String(error)}`,
      );
    await until(() => turn >= 3, "turn 3");
    aborter.abort("enough");
    expect(await call).toMatch(/^rejected: McpError: .*enough/);
    await until(() => /rlm_ask cancelled after \d+ turns/.test(session.stderr()), "the run to stop");
    const seen = backend.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(backend.requests.length).toBe(seen);
    expect(seen).toBeLessThan(20);

    const next = await client.callTool({
      name: "rlm_ask",
      arguments: { question: "What is the vault code?", paths: ["notes.md"] },
    });
    expect(texts(next)[0]).toBe("codes=4471 parts=1 files= sub=words=9");
  });

  it("exits when stdin closes, with nothing but protocol messages on stdout", async () => {
    const session = await connect();
    const pid = session.transport.pid as number;
    await session.client.callTool({
      name: "rlm_ask",
      arguments: { question: "Which codes?", text: "the code is 7" },
    });
    sessions.splice(sessions.indexOf(session), 1);
    expect(session.errors).toEqual([]);
    await session.client.close();
    expect(session.stderr()).toContain("rlm mcp: stopping: stdin closed");
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("keeps stdout for the protocol: anything else written there goes to stderr", async () => {
    const server = pathToFileURL(join(ROOT, "dist", "src", "mcp", "server.js")).href;
    const script = [
      `const { takeStdout } = await import(${JSON.stringify(server)});`,
      "const protocol = takeStdout();",
      'console.log("a stray log line");',
      'process.stdout.write("a stray write\\n");',
      'protocol.write("{\\"jsonrpc\\":\\"2.0\\"}\\n");',
    ].join("\n");
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      script,
    ]);
    expect(stdout).toBe('{"jsonrpc":"2.0"}\n');
    expect(stderr).toBe("a stray log line\na stray write\n");
  });
});
