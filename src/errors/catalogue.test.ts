import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERRORS, EXIT, errorEntry, exitCodeOf, httpErrorOf, isErrorCode } from "./catalogue.js";
import { errorsMarkdown, exitCodeTable } from "./catalogue-docs.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("the error catalogue", () => {
  it("names every code in kebab case, and puts it on the wire in snake case", () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(httpErrorOf(code).code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
    expect(httpErrorOf("rate-limited")).toEqual({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limited",
    });
    // The server's own 404 and 405 use OpenAI's words.
    expect(httpErrorOf("unknown-model").code).toBe("model_not_found");
    expect(httpErrorOf("unknown-route").code).toBe("not_found");
    expect(isErrorCode("backend-unreachable")).toBe(true);
    expect(isErrorCode("config-invalid")).toBe(false);
  });

  it("gives each code an exit code of the command and an HTTP status a client understands", () => {
    const exitCodes = new Set<number>(Object.values(EXIT));
    for (const code of ERROR_CODES) {
      expect(exitCodes).toContain(exitCodeOf(code));
      const { status, type } = errorEntry(code);
      expect(status >= 400 && status < 600, code).toBe(true);
      // A 5xx from a backend is the backend's failure; a 4xx is the client's.
      if (status < 500)
        expect(["invalid_request_error", "authentication_error", "rate_limit_error"]).toContain(type);
    }
    expect(exitCodeOf("budget-exceeded")).toBe(EXIT.limit);
    expect(exitCodeOf("aborted")).toBe(EXIT.interrupted);
  });

  it("is what docs/errors.md and the README's exit-code table say (npm run docs:errors writes them)", () => {
    expect(read("docs/errors.md")).toBe(errorsMarkdown());
    expect(read("README.md")).toContain(`### Exit codes\n\n${exitCodeTable()}\n`);
  });

  it("holds every code the model docs list, and every HTTP status the README's server section names", () => {
    const models = read("docs/models.md");
    const table = models.slice(models.indexOf("## Errors"), models.indexOf("## HTTP"));
    const listed = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((row) =>
      [...row[1]!.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]!),
    );
    expect(listed.length).toBeGreaterThan(10);
    for (const code of listed) expect(ERRORS, code).toHaveProperty([code]);
    const readme = read("README.md");
    const bullet = readme.slice(
      readme.indexOf("- **Errors** are OpenAI's JSON"),
      readme.indexOf("- **Concurrency**"),
    );
    for (const status of new Set(ERROR_CODES.map((code) => errorEntry(code).status)))
      expect(bullet, String(status)).toContain(String(status));
  });
});
