import { describe, expect, it } from "vitest";
import { bwrapAvailable, bwrapCommand, createProcessSandbox, PROCESS_DEFAULTS } from "./index.js";
import { JsonLineReader } from "./json-lines.js";
import { python3Available } from "./python-available.js";

const hasPython = python3Available();
const MB = 1024 * 1024;

describe("JsonLineReader: the line bound", () => {
  it("drops an oversized line as soon as it passes the bound, and reads nothing after it", () => {
    const messages: unknown[] = [];
    const oversized: number[] = [];
    const reader = new JsonLineReader(
      {
        onMessage: (message) => messages.push(message),
        onBrokenLine: () => {},
        onOversize: (held) => oversized.push(held),
      },
      10,
    );
    reader.push(Buffer.from('{"a":1}\n{"b":'));
    reader.push(Buffer.from("12345678"));
    reader.push(Buffer.from('9}\n{"c":3}\n'));
    expect(messages).toEqual([{ a: 1 }]);
    expect(oversized).toEqual([13]);
  });
});

/** Finds the protocol's outgoing file in the driver's process (user code can: same interpreter). */
const FLOOD = `
import gc
channel = [item for item in gc.get_objects() if type(item).__name__ == "_Channel"][0]
chunk = b"x" * (1024 * 1024)
for _ in range(100):
    channel._outgoing.write(chunk)
    channel._outgoing.flush()
print("wrote 100 MB")
`;

const launchers: Array<[string, boolean, () => string[] | undefined]> = [
  ["python3", hasPython, () => undefined],
  ["bwrap", hasPython && bwrapAvailable(), () => bwrapCommand()],
];

for (const [launcher, usable, command] of launchers) {
  describe.skipIf(!usable)(`process runtime (${launcher}): a protocol line past the bound`, () => {
    it("kills and restarts a child that writes 100 MB without a newline; the host's memory stays bounded", async () => {
      const sandbox = await createProcessSandbox({ command: command(), timeoutMs: 30_000 });
      try {
        await sandbox.exec("kept = 1");
        const before = process.memoryUsage().rss;
        let peak = before;
        const timer = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().rss);
        }, 10);
        const result = await sandbox.exec(FLOOD);
        clearInterval(timer);
        peak = Math.max(peak, process.memoryUsage().rss);
        expect(result.restarted).toBe(true);
        expect(result.stopped).toBe("crashed");
        expect(result.error).toContain(`longer than ${PROCESS_DEFAULTS.maxMessageBytes} bytes`);
        // Without the bound the host would hold all 100 MB (and wait for a newline forever).
        expect(peak - before).toBeLessThan(PROCESS_DEFAULTS.maxMessageBytes + 32 * MB);
        expect((await sandbox.exec("print('kept' in globals())")).stdout).toBe("False\n");
      } finally {
        await sandbox.close();
      }
    });

    it("refuses a getVar value or a query longer than the bound in Python, state kept", async () => {
      const sandbox = await createProcessSandbox({
        command: command(),
        onQuery: async () => "never reached",
      });
      try {
        await sandbox.exec(`big = "y" * ${PROCESS_DEFAULTS.maxMessageBytes + MB}\nkept = 1`);
        const error = await sandbox.getVar("big").catch((caught: unknown) => caught);
        expect(String(error)).toContain("MessageTooLarge");
        const query = await sandbox.exec(
          "try:\n    llm_query(big)\nexcept ValueError as error:\n    print(type(error).__name__)",
        );
        expect(query.stdout).toBe("MessageTooLarge\n");
        expect((await sandbox.exec("print(kept)")).stdout).toBe("1\n");
      } finally {
        await sandbox.close();
      }
    });
  });
}
