import { describe, expect, it } from "vitest";
import { linkedController } from "./linked-signal.js";

describe("linkedController", () => {
  it("aborts every linked call with the first parent's reason, and none that was released", () => {
    const pool = new AbortController();
    const caller = new AbortController();
    const calls = Array.from({ length: 3 }, () => linkedController([caller.signal, pool.signal]));
    calls[1]!.release();
    const reason = new Error("pool closed");
    pool.abort(reason);
    caller.abort(new Error("too late"));
    expect(calls.map((call) => call.controller.signal.aborted)).toEqual([true, false, true]);
    expect(calls[0]!.controller.signal.reason).toBe(reason);
  });

  it("is aborted at once when a parent already was, and links to parents made later", () => {
    const done = new AbortController();
    done.abort("gone");
    expect(linkedController([done.signal]).controller.signal.reason).toBe("gone");
    const fresh = new AbortController();
    const call = linkedController([fresh.signal]);
    fresh.abort("now");
    expect(call.controller.signal.reason).toBe("now");
  });
});
