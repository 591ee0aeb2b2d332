/**
 * The lazy context in every runtime that has one: a file read a window at a time behaves like the
 * str it holds for what models do with a document, and Python can read nothing but what was loaded.
 * Expected values are computed here, in JavaScript, from the same text (positions in UTF-8 bytes).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxUnderTest } from "./common.case.js";
import { ContextFile } from "./context-file.js";
import type { Sandbox } from "./types.js";

/** Lines of ASCII with a few multi-byte characters, long enough to span many of Python's windows. */
function logText(lines: number): string {
  const rows: string[] = [];
  for (let index = 0; index < lines; index++) {
    rows.push(index % 997 === 0 ? `ERROR code=${index} naïve ✓ failure` : `INFO id=${index} served /a/b`);
  }
  return `${rows.join("\n")}\n`;
}

const bytesBefore = (text: string, index: number) => Buffer.byteLength(text.slice(0, index), "utf8");

export function describeLazyContext(runtime: SandboxUnderTest): void {
  const skipped = runtime.skip?.["lazy-context"];
  describe.skipIf(skipped !== undefined)(`lazy context${skipped ? ` (skipped: ${skipped})` : ""}`, () => {
    let sandbox: Sandbox;
    let directory: string;
    const text = logText(400_000); // ~12 MB: several 4 MB windows
    let path: string;
    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), "rlm-lazy-"));
      path = join(directory, "big.log");
      await writeFile(path, text);
      sandbox = await runtime.create({ timeoutMs: 60_000 });
    });
    afterAll(async () => {
      await sandbox?.close();
      await rm(directory, { recursive: true, force: true });
    });
    const run = async (code: string) => {
      const result = await sandbox.exec(code);
      expect(result.error).toBeUndefined();
      return result.stdout;
    };

    it("reads a file as Python goes, like the str it holds", async () => {
      const bytes = Buffer.byteLength(text, "utf8");
      const info = await sandbox.load(await ContextFile.open(path));
      expect(info).toMatchObject({ type: "str", totalChars: bytes, partLengths: [bytes], lazy: true });
      const errors = [...text.matchAll(/ERROR code=(\d+)/g)];
      const firstError = text.indexOf("ERROR code=997");
      const expected = [
        bytes,
        errors.length,
        errors.at(-1)?.[1],
        bytesBefore(text, firstError),
        text.split("\n").length - 1,
        JSON.stringify(
          Buffer.from(text.slice(firstError, firstError + 40))
            .subarray(0, 30)
            .toString(),
        ),
      ].join(" ");
      const code = [
        "import re",
        "found = re.findall(r'ERROR code=(\\d+)', context)",
        "at = context.find('ERROR code=997')",
        "print(len(context), len(found), found[-1], at, len(context.splitlines()), __import__('json').dumps(context[at:at + 30], ensure_ascii=False))",
      ].join("\n");
      expect((await run(code)).trim()).toBe(expected);
      const spans = errors.slice(0, 3).map((match) => {
        const start = bytesBefore(text, match.index ?? 0);
        return `(${start}, ${start + Buffer.byteLength(match[0], "utf8")})`;
      });
      expect(
        (await run("print(*[m.span() for m in list(re.finditer(r'ERROR code=\\d+', context))[:3]])")).trim(),
      ).toBe(spans.join(" "));
      expect(
        (await run("print(''.join(context.chunks(1_000_000)) == context[:], context.count('✓'))")).trim(),
      ).toBe(`True ${errors.length}`);
    });

    it("says what to do instead of making a str of a huge context", async () => {
      const result = await sandbox.exec("context._size = 10**12\ncontext.split('x')");
      // _size is a slot: the model's code may change it, the host still bounds every read.
      expect(result.error).toMatch(/more than a lazy context makes at once|scan it with/);
    });

    it("reads only the files loaded into it, within bounds the host checks", async () => {
      const probe = (request: string) =>
        [
          "read = type(context)._fetch.__globals__['_rlm_host_read']",
          "try:",
          `    read(${request})`,
          "    print('read')",
          "except OSError as error:",
          "    print('refused:', error)",
        ].join("\n");
      expect(await run(probe("{'type': 'read', 'source': 7, 'offset': 0, 'length': 10}"))).toMatch(
        /refused: .*no context source 7/,
      );
      expect(await run(probe("{'type': 'read', 'source': 0, 'offset': -5, 'length': 10}"))).toMatch(
        /refused: .*offset and length/,
      );
      expect(await run(probe("{'type': 'read', 'source': 0, 'offset': 0, 'length': 10**10}"))).toMatch(
        /refused: .*more than/,
      );
      expect(
        await run(probe("{'type': 'read', 'source': '/etc/passwd', 'offset': 0, 'length': 10}")),
      ).toMatch(/refused: .*no context source "\/etc\/passwd"/);
      // Judged on the host: a file beside the context, never loaded, whose text exists only on the
      // host. Whatever the code asks for and prints, that text never comes back.
      const secret = join(directory, "secret.txt");
      const marker = "HOST-ONLY-7f3a9c";
      await writeFile(secret, marker);
      const sources = ["0", "1", "-1", "0.5", "True", "'0'", JSON.stringify(secret), "[0]", "None", "2**53"];
      const sweep = [
        "read = type(context)._fetch.__globals__['_rlm_host_read']",
        `for source in [${sources.join(", ")}]:`,
        "    for offset in (0, -1, 2**63):",
        "        try:",
        "            print(bytes(read({'type': 'read', 'source': source, 'offset': offset, 'length': 64})))",
        "        except Exception as error:",
        "            print('refused', error)",
      ].join("\n");
      const swept = await sandbox.exec(sweep);
      expect(swept.stdout).toContain("refused");
      expect(`${swept.stdout}${swept.stderr}${swept.error ?? ""}`).not.toContain(marker);
    });

    it("binds a dict of files, each read lazily", async () => {
      const other = join(directory, "other.txt");
      await writeFile(other, "second file\nwith two lines\n");
      const info = await sandbox.load({
        "big.log": await ContextFile.open(path),
        "other.txt": await ContextFile.open(other),
      });
      expect(info).toMatchObject({ type: "dict", keys: ["big.log", "other.txt"], lazy: true });
      expect((await run("print(list(context), list(context['other.txt'].splitlines()))")).trim()).toBe(
        "['big.log', 'other.txt'] ['second file', 'with two lines']",
      );
    });
  });
}
