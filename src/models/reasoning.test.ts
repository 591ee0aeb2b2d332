import { describe, expect, it } from "vitest";
import { splitThinkTags, ThinkTagSplitter } from "./reasoning.js";

describe("think tags", () => {
  it("splits a complete reply", () => {
    expect(splitThinkTags("<think>a\nb</think>\n\nanswer")).toEqual({ text: "answer", reasoning: "a\nb" });
    expect(splitThinkTags("no tags")).toEqual({ text: "no tags", reasoning: undefined });
    expect(splitThinkTags("<think>never closed")).toEqual({ text: "", reasoning: "never closed" });
    expect(splitThinkTags("opened by the template</think>\nanswer")).toEqual({
      text: "answer",
      reasoning: "opened by the template",
    });
  });

  it("splits a stream whose tags are cut across deltas", () => {
    const splitter = new ThinkTagSplitter();
    const pieces = ["<thi", "nk>plan", " more</th", "ink>\n", "fin", "al <b>"].flatMap((delta) =>
      splitter.push(delta),
    );
    pieces.push(...splitter.flush());
    const join = (type: string) =>
      pieces
        .filter((piece) => piece.type === type)
        .map((piece) => piece.text)
        .join("");
    expect(join("reasoning-delta")).toBe("plan more");
    expect(join("text-delta")).toBe("final <b>");
  });

  it("drops a stray closing tag in a stream whose template opened the block", () => {
    const splitter = new ThinkTagSplitter();
    const pieces = ["thought</th", "ink>\n\nanswer"].flatMap((delta) => splitter.push(delta));
    pieces.push(...splitter.flush());
    expect(pieces.map((piece) => piece.text).join("|")).toBe("thought|answer");
  });
});
