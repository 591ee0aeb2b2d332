import { describe, expect, it } from "vitest";
import { planLoad } from "../context-encoding.js";
import { PartReader } from "./context-stream.js";

/** Everything the reader writes, slot by slot, for slots of `size` bytes. */
function stream(context: Parameters<typeof planLoad>[0], size: number): Buffer {
  const reader = new PartReader(planLoad(context, "context"));
  const chunks: Buffer[] = [];
  while (!reader.done) {
    const slot = new Uint8Array(size);
    const written = reader.fill(slot);
    expect(written).toBeGreaterThan(0);
    chunks.push(Buffer.from(slot.subarray(0, written)));
  }
  return Buffer.concat(chunks);
}

/** Slot boundaries fall everywhere: 1- to 4-byte characters, pairs, lone surrogates, empty parts. */
const TRICKY = ["ab😀c", "é✓𐍈", "", "\ud800x\udc00", "😀😀", "x", "\ud83d"];

describe("context stream (host side)", () => {
  it("writes exactly the parts' UTF-8 whatever the slot size", () => {
    const expected = Buffer.concat(TRICKY.map((part) => Buffer.from(part, "utf8")));
    for (let size = 4; size <= 24; size++) {
      expect(stream(TRICKY, size).equals(expected), `slot of ${size} bytes`).toBe(true);
      expect(stream(TRICKY.join(""), size).equals(expected), `one string, slot of ${size}`).toBe(true);
    }
    const bytes = Uint8Array.from([0x61, 0xff, 0xe2, 0x82, 0x63, 0xc3]);
    expect(stream(bytes, 4).equals(Buffer.from(bytes))).toBe(true);
  });

  it("plans each part's byte length and whether its bytes are its text", () => {
    const { plan, byteLength } = planLoad({ a: "plain", b: "naïve", c: "" }, "context_1");
    expect(plan).toEqual({
      kind: "dict",
      variable: "context_1",
      keys: ["a", "b", "c"],
      parts: [
        { bytes: 5, ascii: true },
        { bytes: 6, ascii: false },
        { bytes: 0, ascii: true },
      ],
    });
    expect(byteLength).toBe(11);
    expect(planLoad(Uint8Array.from([0x68, 0xfe]), "context").plan.parts).toEqual([
      { bytes: 2, ascii: false },
    ]);
  });

  it("refuses to stream a part whose bytes disagree with the plan", () => {
    const load = planLoad(["abc", "de"], "context");
    load.plan.parts[0]!.bytes = 4;
    const reader = new PartReader(load);
    expect(() => reader.fill(new Uint8Array(16))).toThrow(/part 0 encoded to 3 bytes, not the 4 planned/);
  });
});
