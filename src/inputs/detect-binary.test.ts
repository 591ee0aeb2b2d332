import { describe, expect, it } from "vitest";
import { decodeText, isBinary } from "./detect-binary.js";

describe("isBinary", () => {
  it("accepts UTF-8 text, including non-ASCII", () => {
    expect(isBinary(Buffer.from("héllo wörld — 日本語\n".repeat(100)))).toBe(false);
    expect(isBinary(new Uint8Array())).toBe(false);
  });

  it("rejects bytes with NUL and bytes that are mostly invalid UTF-8", () => {
    expect(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]))).toBe(true);
    const noise = Buffer.alloc(4096);
    for (let index = 0; index < noise.length; index++) noise[index] = 0x80 + ((index * 37) % 120);
    expect(isBinary(noise)).toBe(true);
  });

  it("decodes UTF-16 with a byte-order mark instead of calling it binary", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name,age\nada,36\n", "utf16le")]);
    expect(isBinary(utf16)).toBe(false);
    expect(decodeText(utf16)).toMatchObject({ text: "name,age\nada,36\n", encoding: "utf-16le" });
  });

  it("drops a UTF-8 byte-order mark", () => {
    expect(decodeText(Buffer.from("\uFEFFtext", "utf8")).text).toBe("text");
  });
});
