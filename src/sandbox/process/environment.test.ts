import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bwrapAvailable, bwrapCommand, createProcessSandbox } from "./index.js";
import { python3Available } from "./python-available.js";

const hasPython = python3Available();
const hasBwrap = hasPython && bwrapAvailable();

const SECRET = `rlm-secret-${randomBytes(12).toString("hex")}`;
const NAMES = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "RLM_SERVER_API_KEY", "RLM_TEST_RANDOM_SECRET"];

/**
 * Python looks for the secret everywhere it can: its own environment, and every /proc/<pid>/environ
 * it may read (its own, bwrap's PID 1, its parent, any other process it can see). It prints
 * `own:<places>` and `other:<places>`: the secret is the thing that leaks, so Python's report of
 * where it found it is the evidence.
 */
const SEARCH = `
import os
secret = ${JSON.stringify(SECRET)}
own, other = [], []
if any(secret in value for value in os.environ.values()) or any(name in os.environ for name in ${JSON.stringify(NAMES)}):
    own.append("os.environ")
mine = {str(os.getpid()), "self"}
for entry in os.listdir("/proc"):
    if not (entry.isdigit() or entry == "self"):
        continue
    try:
        with open("/proc/" + entry + "/environ", "rb") as file:
            found = secret.encode() in file.read()
    except OSError:
        continue
    if found:
        (own if entry in mine else other).append(entry + ("=ppid" if entry == str(os.getppid()) else ""))
print("own:" + ",".join(own))
print("other:" + ",".join(other))
`;

describe.skipIf(!hasPython)("process runtime: the child's environment", () => {
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const name of NAMES) {
      saved.set(name, process.env[name]);
      process.env[name] = SECRET;
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it.skipIf(!hasBwrap)(
    "under bwrap: the secret is nowhere Python can look, not even bwrap's /proc/1/environ",
    async () => {
      const sandbox = await createProcessSandbox({ command: bwrapCommand() });
      try {
        const result = await sandbox.exec(`${SEARCH}\nprint(os.environ.get("HOME"), sorted(os.environ))`);
        const lines = result.stdout.split("\n");
        expect(lines[0]).toBe("own:");
        expect(lines[1]).toBe("other:");
        expect(lines[2]).toBe(
          "/tmp ['HOME', 'LANG', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED', 'PYTHONUTF8']",
        );
      } finally {
        await sandbox.close();
      }
    },
  );

  it("with plain python3: not in its own environment; HOME is a folder of its own", async () => {
    const sandbox = await createProcessSandbox({});
    try {
      const result = await sandbox.exec(
        `${SEARCH}\nprint(os.environ["HOME"] != ${JSON.stringify(process.env.HOME)})`,
      );
      const lines = result.stdout.split("\n");
      expect(lines[0]).toBe("own:");
      // Without bwrap the host's own processes run as the same user: their /proc/<pid>/environ
      // (this test's included) stays readable. That is what "trusted code only" means here.
      expect(lines[2]).toBe("True");
    } finally {
      await sandbox.close();
    }
  });
});
