/**
 * The system benchmark's instruments (not its numbers: speed is measured by `npm run bench --
 * --system`, never asserted in tests): the scripted backend process and its server-side timings,
 * and the process-tree memory reading.
 */

import { describe, expect, it } from "vitest";
import { createModel } from "../../src/models/index.js";
import { treeRss } from "./process-memory.js";
import { startTimedBackend } from "./timed-backend.js";

describe("the scripted backend process", () => {
  it("answers root turns from the script and sub-calls with the fixed reply, and records each call", async () => {
    const backend = await startTimedBackend({ rootReplies: ["first", "second"], subReply: "sub says ok" });
    try {
      const root = createModel(backend.spec("root"));
      const sub = createModel(backend.spec("sub"));
      const turn0 = await root.chat([{ role: "user", content: "Query: anything" }]);
      const turn1 = await root.chat([
        { role: "user", content: "Query: anything" },
        { role: "assistant", content: "first" },
        { role: "user", content: "output" },
      ]);
      const later = await root.chat([
        { role: "user", content: "Query: anything" },
        { role: "assistant", content: "first" },
        { role: "assistant", content: "second" },
      ]);
      const reply = await sub.chat([{ role: "user", content: "item 1" }]);
      expect([turn0.text, turn1.text, later.text, reply.text]).toEqual([
        "first",
        "second",
        "second",
        "sub says ok",
      ]);
      const { timings, maxInFlight } = await backend.timings(true);
      expect(timings.map((timing) => timing.model)).toEqual(["root", "root", "root", "sub"]);
      for (const timing of timings) expect(timing.end).toBeGreaterThanOrEqual(timing.start);
      expect(maxInFlight).toBeGreaterThanOrEqual(1);
      expect((await backend.timings()).timings).toEqual([]);
    } finally {
      await backend.close();
    }
  });
});

describe("treeRss", () => {
  it.skipIf(process.platform !== "linux")(
    "reads this process's resident memory from /proc (Linux only)",
    () => {
      const bytes = treeRss(process.pid);
      expect(bytes).toBeGreaterThan(10 * 2 ** 20);
      expect(treeRss(2 ** 30)).toBe(0);
    },
  );
});
