import { describe, expect, it } from "vitest";
import { Slots } from "./concurrency.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Slots", () => {
  it("grants up to its size at once, then one per release, in arrival order", async () => {
    const slots = new Slots(2);
    const first = await slots.acquire(undefined);
    await slots.acquire(undefined);
    const granted: string[] = [];
    void slots.acquire(undefined).then(() => granted.push("third"));
    void slots.acquire(undefined).then(() => granted.push("fourth"));
    await tick();
    expect(granted).toEqual([]);
    first();
    first(); // a second release of the same slot frees nothing more
    await tick();
    expect(granted).toEqual(["third"]);
  });

  it("drops a waiter whose signal aborts, and refuses an aborted signal at once", async () => {
    const slots = new Slots(1);
    const held = await slots.acquire(undefined);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    const after: string[] = [];
    void slots.acquire(undefined).then(() => after.push("next"));
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    held();
    await tick();
    // The slot went to the waiter behind the aborted one, not to nobody.
    expect(after).toEqual(["next"]);
    await expect(slots.acquire(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
