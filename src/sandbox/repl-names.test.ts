import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { driverPath } from "./python-files.js";
import { REPL, REPL_ALIASES, REPL_NAMES } from "./repl-names.js";

const driver = readFileSync(driverPath(), "utf8");

describe("the REPL's names", () => {
  it("are the driver's reserved names, in the same order", () => {
    const tuple = /^_RLM_RESERVED = \(([^)]*)\)/m.exec(driver)?.[1];
    expect(tuple, "_RLM_RESERVED in driver.py").toBeDefined();
    const reserved = [...(tuple ?? "").matchAll(/"([^"]+)"/g)].map((match) => match[1]);
    expect(reserved).toEqual(REPL_NAMES);
  });

  it("are each defined by the driver as what the list says", () => {
    for (const name of REPL_NAMES) {
      const alias = (REPL_ALIASES as Record<string, string>)[name];
      if (alias !== undefined) expect(driver, name).toMatch(new RegExp(`^${name} = ${alias}$`, "m"));
      else if (REPL[name] === "function") expect(driver, name).toMatch(new RegExp(`^def ${name}\\(`, "m"));
    }
  });
});
