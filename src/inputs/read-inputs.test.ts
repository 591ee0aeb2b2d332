import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rlmFailure } from "../../test/failures.js";
import { makePdf } from "./__fixtures__/make-pdf.js";
import { readStreamBounded } from "./bounded-read.js";
import { readInputs } from "./read-inputs.js";

let root: string;

async function write(path: string, content: string | Uint8Array): Promise<void> {
  const full = join(root, path);
  await mkdir(join(full, ".."), { recursive: true });
  await writeFile(full, content);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rlm-inputs-"));
  await write("notes.md", "# Notes\nThe launch code is 7421.\n");
  await write("data.jsonl", '{"id":1}\n{"id":2}\n');
  await write("empty.txt", "  \n");
  await write("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  await write("repo/.gitignore", "build/\n*.log\n");
  await write("repo/src/main.ts", "export const answer = 42;\n");
  await write("repo/src/.gitignore", "generated.ts\n");
  await write("repo/src/generated.ts", "// generated\n");
  await write("repo/build/out.js", "compiled\n");
  await write("repo/debug.log", "noise\n");
  await write("repo/node_modules/dep/index.js", "dependency\n");
  await write("repo/logo.bin", Buffer.from([1, 0, 2, 0, 3]));
  await write("repo/README.md", "# Repo\n");
  await write(
    "report.pdf",
    makePdf([["Quarterly report", "Revenue grew 12 percent"], ["Page two: churn fell"]]),
  );
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe("readInputs", () => {
  it("reads one file as a str, kept exactly as written", async () => {
    const result = await readInputs(["notes.md"], { cwd: root });
    expect(result.context).toBe("# Notes\nThe launch code is 7421.\n");
    expect(result.files).toEqual([{ name: "notes.md", kind: "text", characters: 33 }]);
  });

  it("reads several files as a dict keyed by path", async () => {
    const result = await readInputs(["notes.md", "data.jsonl"], { cwd: root });
    expect(result.context).toEqual({
      "notes.md": "# Notes\nThe launch code is 7421.\n",
      "data.jsonl": '{"id":1}\n{"id":2}\n',
    });
  });

  it("walks a directory honouring nested .gitignore files, skipping node_modules and binaries", async () => {
    const result = await readInputs(["repo"], { cwd: root });
    expect(Object.keys(result.context as Record<string, string>)).toEqual([
      "repo/.gitignore",
      "repo/README.md",
      "repo/src/.gitignore",
      "repo/src/main.ts",
    ]);
    expect(result.skipped).toEqual([{ name: "repo/logo.bin", reason: "binary" }]);
  });

  it("expands a quoted glob", async () => {
    const result = await readInputs(["repo/**/*.{ts,md}"], { cwd: root });
    expect(Object.keys(result.context as Record<string, string>)).toEqual([
      "repo/README.md",
      "repo/src/main.ts",
    ]);
    expect(await rlmFailure(readInputs(["repo/**/*.py"], { cwd: root }))).toMatch(
      /^input-not-found: .*matched no/,
    );
  });

  it("reads stdin for `-` and when nothing is named and stdin is piped", async () => {
    const readStdin = (limitBytes: number) =>
      readStreamBounded(Readable.from([Buffer.from("piped text")]), limitBytes);
    expect((await readInputs(["-"], { cwd: root, readStdin })).context).toBe("piped text");
    expect((await readInputs([], { cwd: root, readStdin, stdinIsTerminal: false })).context).toBe(
      "piped text",
    );
    const mixed = await readInputs(["-", "notes.md"], { cwd: root, readStdin });
    expect(Object.keys(mixed.context as Record<string, string>)).toEqual(["<stdin>", "notes.md"]);
  });

  it("reads UTF-16 files with a byte-order mark, named and inside a directory", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name,age\nada,36\n", "utf16le")]);
    await write("wide/people.csv", utf16);
    expect((await readInputs(["wide/people.csv"], { cwd: root })).context).toBe("name,age\nada,36\n");
    expect((await readInputs(["wide"], { cwd: root })).context).toEqual({
      "wide/people.csv": "name,age\nada,36\n",
    });
  });

  it("reads PDF text with pages separated by form feeds", async () => {
    const result = await readInputs(["report.pdf"], { cwd: root });
    expect(result.context).toBe("Quarterly report\nRevenue grew 12 percent\fPage two: churn fell");
    expect(result.files[0]?.kind).toBe("pdf");
  });

  it("fails clearly on a missing file, a binary file, an empty input, no input, and too much input", async () => {
    expect(await rlmFailure(readInputs(["nope.txt"], { cwd: root }))).toBe(
      "input-not-found: No such file or directory: nope.txt",
    );
    expect(await rlmFailure(readInputs(["image.png"], { cwd: root }))).toMatch(
      /^input-binary: .*image\.png is a binary/,
    );
    expect(await rlmFailure(readInputs(["empty.txt"], { cwd: root }))).toMatch(
      /^input-empty: .*empty\.txt has no text/,
    );
    const stdinBinary = (limitBytes: number) =>
      readStreamBounded(Readable.from([Buffer.from([0, 1, 2, 0])]), limitBytes);
    expect(await rlmFailure(readInputs(["-"], { readStdin: stdinBinary }))).toMatch(/^input-binary: stdin/);
    expect(await rlmFailure(readInputs([], { stdinIsTerminal: true }))).toMatch(/^input-missing/);
    expect(await rlmFailure(readInputs(["notes.md"], { cwd: root, maxTotalBytes: 10 }))).toMatch(
      /^input-too-large/,
    );
  });
});
