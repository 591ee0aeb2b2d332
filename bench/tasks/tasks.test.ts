import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labelOf, relocationCity, sentencesOf } from "../policies/understanding.js";
import { formatSize, getTask, parseSize, TASKS } from "./index.js";

function occurrences(text: string, value: string): number {
  return text.split(value).length - 1;
}

function text(context: unknown): string {
  if (typeof context !== "string") throw new Error("expected a string context");
  return context;
}

describe("sizes and registry", () => {
  it("parses sizes in characters", () => {
    expect(parseSize("45k")).toBe(45_000);
    expect(parseSize("1M")).toBe(1_000_000);
    expect(parseSize("2.5m")).toBe(2_500_000);
    expect(formatSize(10_000_000)).toBe("10M");
    expect(() => parseSize("lots")).toThrow(/cannot read the size/);
    expect(() => getTask("nope")).toThrow(/unknown task/);
  });
});

describe.each(["niah", "linear", "delegate", "parallel", "oolong", "oolong-pairs"])(
  "%s generator",
  (name) => {
    const task = TASKS[name]!;

    it("is deterministic from the seed and reaches the requested size", async () => {
      const first = await task.generate({ seed: 7, chars: 60_000 });
      const again = await task.generate({ seed: 7, chars: 60_000 });
      const other = await task.generate({ seed: 8, chars: 60_000 });
      expect(again.context).toBe(first.context);
      expect(again.questions).toEqual(first.questions);
      expect(other.context).not.toBe(first.context);
      // Needles add a few sentences; relabelled records may be a little shorter.
      expect(first.chars).toBeGreaterThanOrEqual(59_000);
      expect(first.chars).toBeLessThan(64_000);
      expect(text(first.context)).toMatch(/^[\x20-\x7e\n]*$/);
    });
  },
);

describe("needle tasks", () => {
  it("niah: the value is in the text exactly once, inside the needle sentence", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const instance = await TASKS.niah!.generate({ seed, chars: 200_000 });
      const [question] = instance.questions;
      const expected = question!.expected;
      if (expected.kind !== "contains") throw new Error("niah expects containment");
      const context = text(instance.context);
      expect(occurrences(context, expected.value)).toBe(1);
      const key = /for (\S+) mentioned/.exec(question!.query)![1]!;
      expect(occurrences(context, key)).toBe(1);
      expect(context).toContain(`for ${key} is: ${expected.value}.`);
    }
  });

  it("linear: exactly one magic number, the expected one", async () => {
    const instance = await TASKS.linear!.generate({ seed: 3, chars: 300_000 });
    const matches = [...text(instance.context).matchAll(/magic number is (\d+)/g)].map((match) => match[1]);
    expect(matches).toEqual([(instance.questions[0]!.expected as { value: string }).value]);
  });

  it("delegate: one relocation sentence for the person, beside two visits elsewhere", async () => {
    const instance = await TASKS.delegate!.generate({ seed: 5, chars: 150_000 });
    const question = instance.questions[0]!;
    const name = /did (.+) end up living/.exec(question.query)![1]!;
    const mentions = sentencesOf(text(instance.context)).filter((sentence) => sentence.includes(name));
    expect(mentions).toHaveLength(3);
    const moves = mentions.map((sentence) => relocationCity(sentence, name)).filter(Boolean);
    expect(moves).toEqual([(question.expected as { value: string }).value]);
  });

  it("parallel: eight people, each with exactly one relocation", async () => {
    const instance = await TASKS.parallel!.generate({ seed: 6, chars: 150_000 });
    const expected = instance.questions[0]!.expected;
    if (expected.kind !== "assignments") throw new Error("parallel expects assignments");
    expect(Object.keys(expected.value)).toHaveLength(8);
    const sentences = sentencesOf(text(instance.context));
    for (const [name, city] of Object.entries(expected.value)) {
      const moves = sentences.map((sentence) => relocationCity(sentence, name)).filter(Boolean);
      expect(moves).toEqual([city]);
    }
  });
});

function parseRecords(context: string): { user: number; label: string | undefined }[] {
  return context.split("\n").map((line) => {
    const [, , user, message] = line.split(" | ");
    return { user: Number(user!.replace("user ", "")), label: labelOf(message!) };
  });
}

describe("record tasks", () => {
  it("oolong: every record has exactly one readable label and the counts match the questions", async () => {
    const instance = await TASKS.oolong!.generate({ seed: 11, chars: 100_000, questions: 6 });
    expect(instance.questions.map((question) => question.query.includes("least common"))).toContain(true);
    const records = parseRecords(text(instance.context));
    expect(records.every((record) => record.label !== undefined)).toBe(true);
    const count = (label: string, user?: number): number =>
      records.filter((record) => record.label === label && (user === undefined || record.user === user))
        .length;
    for (const question of instance.questions) {
      const label = /labelled (\w+)\?/.exec(question.query)?.[1];
      const user = /from user (\d+)/.exec(question.query)?.[1];
      if (question.expected.kind === "number") {
        expect(question.expected.value).toBe(count(label!, user === undefined ? undefined : Number(user)));
      } else if (question.expected.kind === "exact") {
        const counts = ["complaint", "praise", "question", "request", "update"].map((name) => count(name));
        const extreme = question.query.includes("least common") ? Math.min(...counts) : Math.max(...counts);
        expect(count(question.expected.value)).toBe(extreme);
      }
    }
  });

  it("oolong-pairs: the expected pairs are exactly the users meeting the condition", async () => {
    const instance = await TASKS["oolong-pairs"]!.generate({ seed: 12, chars: 80_000 });
    const question = instance.questions[0]!;
    const [, first, second] = /labelled (\w+) and at least one record labelled (\w+)\./.exec(question.query)!;
    const labels = new Map<number, Set<string>>();
    for (const record of parseRecords(text(instance.context))) {
      labels.set(record.user, (labels.get(record.user) ?? new Set()).add(record.label!));
    }
    const users = [...labels].filter(([, set]) => set.has(first!) && set.has(second!)).map(([user]) => user);
    const expected = question.expected as { value: [number, number][] };
    expect(expected.value).toHaveLength((users.length * (users.length - 1)) / 2);
    expect(new Set(expected.value.flat())).toEqual(new Set(users));
  });
});

describe("codebase generator", () => {
  it("answers from the files of any directory", async () => {
    const directory = mkdtempSync(join(tmpdir(), "bench-codebase-"));
    mkdirSync(join(directory, "lib"));
    writeFileSync(
      join(directory, "lib", "alpha.ts"),
      'import { z } from "zod";\nexport function parseWidget() {}\n',
    );
    writeFileSync(
      join(directory, "lib", "beta.ts"),
      'import { parseWidget } from "./alpha.js";\nimport "zod";\n\n\n\n',
    );
    writeFileSync(join(directory, "main.py"), "import os\n\ndef launch_rocket():\n    pass\n");
    const instance = await TASKS.codebase!.generate({ seed: 1, chars: 0, directory, questions: 3 });
    expect(Object.keys(instance.context).sort()).toEqual(["lib/alpha.ts", "lib/beta.ts", "main.py"]);
    const [declares, imports, longest] = instance.questions;
    const name = /declares `(\w+)`/.exec(declares!.query)![1];
    expect(declares!.expected).toEqual({
      kind: "exact",
      value: name === "launch_rocket" ? "main.py" : "lib/alpha.ts",
    });
    expect(imports!.query).toMatch(/ends with "(zod|alpha\.js)"/);
    expect(imports!.expected).toEqual({ kind: "number", value: imports!.query.includes("zod") ? 2 : 1 });
    expect(longest!.expected).toEqual({ kind: "exact", value: "lib/beta.ts" });
  });

  it("fails clearly on a missing directory", async () => {
    await expect(async () =>
      TASKS.codebase!.generate({ seed: 1, chars: 0, directory: "/no/such/dir" }),
    ).rejects.toThrow(/cannot read the directory/);
  });
});
