import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeContext } from "../context-encoding.js";
import { defaultPythonCommand } from "../process/default-python.js";
import { python3Available } from "../process/python-available.js";
import { driverPath } from "../python-files.js";

/**
 * The driver on its own: `_rlm_load_bytes` on the bytes `encodeContext` framed (as the process runtime
 * sends them), the two-step load the pyodide runtime writes into, and the entry points' refusals. A
 * real python3 runs each script; no runtime in between.
 */

const run = promisify(execFile);

/** Runs `body` after loading the driver into `driver`; the script prints one JSON value. */
async function python(body: string): Promise<unknown> {
  const [executable] = await defaultPythonCommand();
  const script = [
    "import json",
    "driver = {'_rlm_host_call': lambda request: {'results': []}}",
    `exec(compile(open(${JSON.stringify(driverPath())}).read(), 'driver.py', 'exec'), driver)`,
    "def read(path):",
    "    with open(path, 'rb') as file:",
    "        return file.read()",
    "def call(name, *args):",
    "    try:",
    "        return driver[name](*args)",
    "    except Exception as error:",
    "        return {'raised': type(error).__name__, 'message': str(error)}",
    body,
  ].join("\n");
  const { stdout } = await run(executable ?? "python3", ["-c", script]);
  return JSON.parse(stdout);
}

describe.skipIf(!python3Available())("driver.py on its own (needs python3)", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "rlm-driver-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const writeContext = async (name: string, context: Parameters<typeof encodeContext>[0]) => {
    const encoded = encodeContext(context);
    const path = join(directory, name);
    await writeFile(path, Buffer.concat(encoded.chunks));
    return { path, kind: encoded.kind };
  };

  it("loads every kind of context from a file the host wrote", async () => {
    const files = [
      await writeContext("str", "naïve"),
      await writeContext("list", ["a", "bé"]),
      await writeContext("dict", { "x.md": "one", "y.md": "" }),
      await writeContext("bytes", Uint8Array.from([0x68, 0x69, 0xfe])),
    ];
    const calls = files.map(
      ({ path, kind }) => `call('_rlm_load_bytes', read(${JSON.stringify(path)}), '${kind}', 'context')`,
    );
    const loads = (await python(`print(json.dumps([${calls.join(", ")}]))`)) as Array<
      Record<string, unknown>
    >;
    expect(loads.map((info) => [info.type, info.totalChars, info.replacedBytes])).toEqual([
      ["str", 5, 0],
      ["list", 3, 0],
      ["dict", 3, 0],
      ["str", 3, 1],
    ]);
    expect(loads[2]?.keys).toEqual(["x.md", "y.md"]);
  });

  it("refuses a broken framing, a reserved variable and a reserved tool name", async () => {
    const { path } = await writeContext("list-cut", ["abc", "def"]);
    const broken = `${path}.cut`;
    await writeFile(broken, Buffer.concat(encodeContext(["abc", "def"]).chunks).subarray(0, -2));
    const results = (await python(
      `print(json.dumps([call('_rlm_load_bytes', read(${JSON.stringify(broken)}), 'list', 'context'), ` +
        `call('_rlm_load_bytes', read(${JSON.stringify(path)}), 'list', 'llm_query'), ` +
        "call('_rlm_set_tools', [{'name': 'FINAL', 'description': ''}])]))",
    )) as Array<Record<string, unknown>>;
    expect(results.map((result) => result.raised)).toEqual(["ValueError", "ValueError", "ValueError"]);
    expect(results[0]?.message).toContain("ends 2 bytes early");
  });

  it("loads in two steps into the objects it prepared, as the pyodide runtime writes them", async () => {
    // What the pyodide worker does through the WebAssembly heap, done here with ctypes: a str's
    // text starts where the empty str's does (CPython's compact ASCII layout).
    const parts = ["plain ascii", "naïve ✓", "", "x", "a\udcffb"];
    const plan = {
      kind: "list",
      variable: "context",
      parts: parts.map((part) => ({
        bytes: Buffer.byteLength(part),
        ascii: Buffer.byteLength(part) === part.length,
      })),
    };
    const data = parts.map((part) => Buffer.from(part, "utf8").toString("hex"));
    const result = (await python(
      [
        "import ctypes, sys",
        `targets = call('_rlm_load_prepare', json.loads(${JSON.stringify(JSON.stringify(plan))}))`,
        `for (address, kind), data in zip(targets, [bytes.fromhex(h) for h in ${JSON.stringify(data)}]):`,
        "    if kind == 'str':",
        "        ctypes.memmove(address + sys.getsizeof('') - 1, data, len(data))",
        "    else:",
        "        ctypes.cast(address, ctypes.py_object).value[:] = data",
        "info = call('_rlm_load_finish')",
        "again = call('_rlm_load_finish')",
        "print(json.dumps([[kind for _, kind in targets], info, driver['_rlm_namespace']['context'], again]))",
      ].join("\n"),
    )) as [string[], Record<string, unknown>, string[], Record<string, unknown>];
    expect(result[0]).toEqual(["str", "bytearray", "bytearray", "bytearray", "bytearray"]);
    expect(result[1]).toMatchObject({ type: "list", partLengths: [11, 7, 0, 1, 3], replacedBytes: 0 });
    expect(result[2]).toEqual(["plain ascii", "naïve ✓", "", "x", "a\ufffdb"]);
    expect(result[3]?.raised).toBe("KeyError");
  });

  it("applies the output cap set by _rlm_configure", async () => {
    const result = (await python(
      "call('_rlm_configure', {'max_output_chars': 1000})\n" +
        "print(json.dumps(call('_rlm_exec', 'print(\"y\" * 5000)')))",
    )) as { stdout: string };
    expect(result.stdout.length).toBeLessThan(1100);
    expect(result.stdout).toContain("characters cut");
  });
});
