import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../../test/fakes/index.js";
import { codeWritingPolicy } from "./__fixtures__/code-writing-policy.js";
import { BINARY, BUILD_TIMEOUT_MS, ensureBuilt } from "./__fixtures__/run-cli.js";

/**
 * The live progress display under a real pseudo-terminal: the built binary runs inside a private
 * tmux server (its own socket), and the screen is read with `capture-pane` while the run works.
 */

function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const TMUX_AVAILABLE = hasTmux();
if (!TMUX_AVAILABLE)
  console.warn("progress-tty.test.ts skipped: tmux is not installed (apt-get install tmux).");

const SOCKET = `rlm-progress-${process.pid}`;
const SESSION = "progress";
const STATUS_LINE =
  /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] rlm · turn (\d+) · sub-calls (\d+)\/(\d+) · [\d,]+ tokens · \$\d+\.\d{4} · (\d+\.\d)s$/;

let backend: FakeServer;
let slowBackend: FakeServer;
let directory: string;

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

beforeAll(async () => {
  if (!TMUX_AVAILABLE) return;
  await ensureBuilt();
  backend = await startFakeOpenAI(codeWritingPolicy({ extraTurns: 3, rootDelayMs: 800 }));
  slowBackend = await startFakeOpenAI(codeWritingPolicy({ extraTurns: 40, rootDelayMs: 400 }));
  directory = await mkdtemp(join(tmpdir(), "rlm-tty-"));
  await writeFile(join(directory, "notes.txt"), "the code is 31337\n");
  for (const [name, server] of [
    ["run.sh", backend],
    ["slow.sh", slowBackend],
  ] as const) {
    const script = [
      "#!/bin/sh",
      // Ctrl-C reaches the whole foreground group: the shell must outlive it to print the exit code.
      "trap ':' INT",
      `export HOME='${directory}'`,
      `export RLM_MODEL='openai-compatible:${server.url}/v1#root'`,
      `export RLM_SUB_MODEL='openai-compatible:${server.url}/v1#sub'`,
      `cd '${directory}'`,
      `'${process.execPath}' '${BINARY}' ask 'Which code?' notes.txt --sandbox process --max-iterations 60`,
      'echo "EXIT=$?"',
      "sleep 120",
    ].join("\n");
    await writeFile(join(directory, name), script);
    await chmod(join(directory, name), 0o755);
  }
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (!TMUX_AVAILABLE) return;
  try {
    tmux("kill-server");
  } catch {
    // Already gone.
  }
  await backend?.close();
  await slowBackend?.close();
  await rm(directory, { recursive: true, force: true });
});

/** Screens captured every 150 ms until `until` matches one (or 90 s pass). */
async function watch(session: string, until: (screen: string) => boolean): Promise<string[]> {
  const screens: string[] = [];
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const screen = tmux("capture-pane", "-p", "-t", session);
    screens.push(screen);
    if (until(screen)) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return screens;
}

describe.skipIf(!TMUX_AVAILABLE)("progress display on a terminal", () => {
  it("redraws one status line in place while the run works, then prints the answer", async () => {
    tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "30", join(directory, "run.sh"));
    const screens = await watch(SESSION, (screen) => screen.includes("EXIT="));
    const final = screens[screens.length - 1] ?? "";
    expect(final).toContain("codes=31337 parts=1 files= sub=words=4");
    expect(final).toContain("EXIT=0");
    expect(final).not.toContain("[rlm]");

    const live = screens.map((screen) =>
      screen.split("\n").filter((line) => STATUS_LINE.test(line.trimEnd())),
    );
    // Never more than one status line on screen: it is redrawn, not printed again.
    expect(Math.max(...live.map((lines) => lines.length))).toBe(1);
    const seen = live.flat().map((line) => STATUS_LINE.exec(line.trimEnd()) as RegExpExecArray);
    const turns = new Set(seen.map((match) => Number(match[1])));
    expect(turns.size).toBeGreaterThanOrEqual(3);
    const elapsed = seen.map((match) => Number(match[4]));
    expect(Math.max(...elapsed)).toBeGreaterThan(Math.min(...elapsed));
    expect(final).toMatch(/^rlm · turn 5 · sub-calls 1\/1 · [\d,]+ tokens · \$0\.0000 · \d+\.\ds$/m);
  });

  it("stops cleanly on Ctrl-C with exit code 130", async () => {
    tmux("new-session", "-d", "-s", "interrupt", "-x", "160", "-y", "30", join(directory, "slow.sh"));
    await watch("interrupt", (screen) => /rlm · turn [3-9]/.test(screen));
    tmux("send-keys", "-t", "interrupt", "C-c");
    const screens = await watch("interrupt", (screen) => screen.includes("EXIT="));
    const final = screens[screens.length - 1] ?? "";
    expect(final).toContain("interrupted: stopping");
    expect(final).toContain("EXIT=130");
    const seen = slowBackend.requests.length;
    expect(seen).toBeLessThan(40);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(slowBackend.requests.length).toBe(seen);
  });
});
