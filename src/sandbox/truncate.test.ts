import { describe, expect, it } from "vitest";
import { cutMarker, HeadTailCollector, truncateHeadTail } from "./truncate.js";

describe("truncateHeadTail", () => {
  it("keeps short text as it is", () => {
    expect(truncateHeadTail("short", 10)).toBe("short");
  });

  it("keeps 60% head and 40% tail and says how much was cut", () => {
    const text = "a".repeat(50) + "b".repeat(50);
    expect(truncateHeadTail(text, 10)).toBe(`aaaaaa${cutMarker(90)}bbbb`);
  });
});

describe("HeadTailCollector", () => {
  it("bounds what it keeps however much is added, then starts again", () => {
    const collector = new HeadTailCollector(10);
    for (let index = 0; index < 1000; index++) collector.add(String(index % 10));
    expect(collector.take()).toBe(`012345${cutMarker(990)}6789`);
    collector.add("again");
    expect(collector.take()).toBe("again");
  });
});
