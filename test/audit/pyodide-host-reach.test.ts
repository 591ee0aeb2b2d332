/**
 * The audit of Pyodide's imports against the sandbox's table: every import from which Pyodide's own
 * code can reach a host power must be denied, sealed or explained as harmless (host-imports.ts).
 * A Pyodide upgrade that adds a route fails here, naming the import and its path to the host.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAfterInterop,
  DENIED_IMPORTS,
  importTreatment,
} from "../../src/sandbox/pyodide/host-imports.js";
import { auditPyodideImports } from "./pyodide-host-reach.js";

const asmPath = join(dirname(createRequire(import.meta.url).resolve("pyodide")), "pyodide.asm.mjs");

describe("Pyodide's imports that reach the host", () => {
  const audit = auditPyodideImports(asmPath);

  it("finds the module's imports and the known routes among them", () => {
    expect(audit.imports.length).toBeGreaterThan(500);
    for (const known of ["_emscripten_system", "emscripten_run_script_string", "emscripten_async_wget"]) {
      expect(audit.reaching.has(known), known).toBe(true);
    }
  });

  it("has every reaching import denied, sealed or explained", () => {
    const unclassified = [...audit.reaching]
      .filter(([name]) => importTreatment(name) === undefined)
      .map(([name, path]) => `${name} -> ${path.join(" > ")}`);
    expect(unclassified).toEqual([]);
  });

  it("denies only names the module really imports", () => {
    for (const name of Object.keys(DENIED_IMPORTS)) expect(audit.imports, name).toContain(name);
  });

  it("finds the interop imports the JS-buffer check wraps among the real ones", () => {
    const namespace: Record<string, unknown> = Object.fromEntries(
      audit.imports.map((name) => [name, () => 0]),
    );
    const originals = { ...namespace };
    checkAfterInterop({ env: namespace as WebAssembly.ModuleImports }, () => undefined);
    const wrapped = audit.imports.filter((name) => namespace[name] !== originals[name]);
    for (const name of ["JsvFunction_Construct", "JsvFunction_CallBound", "_python2js_buffer_inner"]) {
      expect(wrapped, name).toContain(name);
    }
  });
});
