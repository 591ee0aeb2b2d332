import { describe, expect, it } from "vitest";
import { HeadTailCollector } from "../truncate.js";
import { StderrSync } from "./stderr-sync.js";

describe("StderrSync", () => {
  it("strips markers split across chunks and releases the waiting call", async () => {
    const collector = new HeadTailCollector(1000);
    const sync = new StderrSync(collector);
    let released = false;
    const waiting = sync.synced(7).then(() => {
      released = true;
    });
    sync.push(Buffer.from("before \u0000RLM-SY"));
    expect(released).toBe(false);
    sync.push(Buffer.from("NC-7\u0000after"));
    await waiting;
    expect(released).toBe(true);
    expect(collector.take()).toBe("before after");
  });

  it("remembers a marker read before the call waits, and keeps split UTF-8 intact", async () => {
    const collector = new HeadTailCollector(1000);
    const sync = new StderrSync(collector);
    const euro = Buffer.from("€");
    sync.push(Buffer.concat([Buffer.from("\u0000RLM-SYNC-3\u0000"), euro.subarray(0, 1)]));
    sync.push(euro.subarray(1));
    await sync.synced(3);
    expect(collector.take()).toBe("€");
  });
});
