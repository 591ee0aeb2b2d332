import { describe, expect, it } from "vitest";
import {
  assignmentsScore,
  containsScore,
  exactMatchScore,
  firstNumber,
  normalizeAnswer,
  numericScore,
  pairsF1,
  parsePairs,
  score,
} from "./index.js";

describe("normalizeAnswer", () => {
  it("keeps the text after a final 'Answer:' and strips quotes, markup and full stops", () => {
    expect(normalizeAnswer("Let me think.\nAnswer: **Lisbon**.")).toBe("lisbon");
    expect(normalizeAnswer('"`src/rlm/loop.ts`"')).toBe("src/rlm/loop.ts");
    expect(normalizeAnswer("The answer is  Complaint!")).toBe("complaint");
  });

  it("reads the first number, with thousands separators", () => {
    expect(firstNumber("Answer: 1,204 records")).toBe(1204);
    expect(firstNumber("-3")).toBe(-3);
    expect(firstNumber("none")).toBeUndefined();
  });
});

describe("exact match and containment", () => {
  it("matches after normalisation only", () => {
    expect(exactMatchScore("Answer: Praise.", "praise")).toBe(1);
    expect(exactMatchScore("praise or complaint", "praise")).toBe(0);
  });

  it("finds the value anywhere, as RULER's string match does", () => {
    expect(containsScore("The number is 7281934, I think", "7281934")).toBe(1);
    expect(containsScore("7281935", "7281934")).toBe(0);
  });
});

describe("numericScore (OOLONG: 0.75^|error|)", () => {
  it("is 1 for the exact count and decays by 0.75 per unit of error", () => {
    expect(numericScore("42", 42)).toBe(1);
    expect(numericScore("Answer: 44", 42)).toBeCloseTo(0.5625, 10);
    expect(numericScore("39", 42)).toBeCloseTo(0.421875, 10);
    expect(numericScore("I do not know", 42)).toBe(0);
  });
});

describe("pairsF1 (OOLONG-Pairs)", () => {
  const truth: [number, number][] = [
    [1, 2],
    [1, 3],
    [2, 3],
  ];

  it("reads pairs in any order and common separators", () => {
    expect([...parsePairs("(2, 1)\n(3 & 1)\n2-3")].sort()).toEqual(["1,2", "1,3", "2,3"]);
  });

  it("is 1 for the exact set, the harmonic mean of precision and recall otherwise", () => {
    expect(pairsF1("(1, 2)\n(1, 3)\n(2, 3)", truth)).toBe(1);
    // 2 right of 2 predicted, 2 of 3 found: P = 1, R = 2/3, F1 = 0.8.
    expect(pairsF1("(1, 2)\n(2, 3)", truth)).toBeCloseTo(0.8, 10);
    // 3 right of 4 predicted: P = 0.75, R = 1, F1 = 6/7.
    expect(pairsF1("(1,2) (1,3) (2,3) (4,5)", truth)).toBeCloseTo(6 / 7, 10);
    expect(pairsF1("no pairs", truth)).toBe(0);
    expect(pairsF1("none", [])).toBe(1);
  });
});

describe("assignmentsScore and score()", () => {
  it("counts the names whose line gives the right value", () => {
    const expected = { "Ilse Varga": "Lisbon", "Otto Novak": "Porto" };
    expect(assignmentsScore("Ilse Varga: Lisbon\nOtto Novak: Turin", expected)).toBe(0.5);
    expect(score({ kind: "assignments", value: expected }, "Otto Novak: porto\nIlse Varga: lisbon")).toBe(1);
  });

  it("dispatches on the expected kind", () => {
    expect(score({ kind: "number", value: 10 }, "11")).toBeCloseTo(0.75, 10);
    expect(score({ kind: "exact", value: "update" }, "Update")).toBe(1);
    expect(score({ kind: "contains", value: "abc" }, "xxABCxx")).toBe(1);
    expect(score({ kind: "pairs", value: [[1, 2]] }, "(1, 2)")).toBe(1);
  });
});
