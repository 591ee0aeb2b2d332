import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRlmError } from "../errors/index.js";
import { isContextFile } from "../sandbox/context-file.js";
import { readInputs } from "./read-inputs.js";

/** Inputs over the lazy threshold are opened, not read: each text file becomes a ContextFile. */
describe("readInputs: lazy contexts", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rlm-lazy-inputs-"));
    await mkdir(join(root, "logs"));
    await writeFile(join(root, "logs", "a.log"), "alpha line\n".repeat(100));
    await writeFile(join(root, "logs", "b.log"), "beta line\n".repeat(100));
    await writeFile(join(root, "logs", "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    await writeFile(join(root, "logs", "paper.pdf"), "%PDF-1.4\n...");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("opens a directory above the threshold as a dict of files, skipping binaries and PDFs", async () => {
    const input = await readInputs(["logs"], { cwd: root, lazyAboveBytes: 1000 });
    expect(input.lazy).toBe(true);
    const context = input.context as Record<string, unknown>;
    expect(Object.keys(context)).toEqual(["logs/a.log", "logs/b.log"]);
    expect(Object.values(context).every(isContextFile)).toBe(true);
    expect(input.files.map((file) => file.characters)).toEqual([1100, 1000]);
    expect(input.skipped.map((skip) => skip.reason).sort()).toEqual(["a PDF in a lazy context", "binary"]);
  });

  it("reads the same directory whole under the threshold", async () => {
    const input = await readInputs(["logs"], { cwd: root });
    expect(input.lazy).toBe(false);
    expect((input.context as Record<string, string>)["logs/a.log"]).toBe("alpha line\n".repeat(100));
  });

  it("opens one named file as one ContextFile when asked to, at any size", async () => {
    const input = await readInputs(["logs/a.log"], { cwd: root, lazy: true });
    expect(isContextFile(input.context)).toBe(true);
  });

  it("refuses a named PDF or binary, and stdin beside files that large, saying what to do", async () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => "no error",
        (error: unknown) => (isRlmError(error) ? `${error.message} ${error.hint}` : String(error)),
      );
    expect(await refusal(readInputs(["logs/paper.pdf"], { cwd: root, lazy: true }))).toMatch(
      /not read lazily.*Extract its text/,
    );
    expect(await refusal(readInputs(["logs/image.png"], { cwd: root, lazy: true }))).toMatch(/binary/);
    const readStdin = async () => ({ complete: true as const, bytes: Buffer.from("piped") });
    expect(
      await refusal(
        readInputs(["logs", "-"], { cwd: root, lazyAboveBytes: 1000, readStdin, stdinIsTerminal: false }),
      ),
    ).toMatch(/stdin cannot be read that way.*Save stdin to a file/);
  });
});
