/**
 * `npm run docs:errors`: writes docs/errors.md and the README's exit-code table from the error
 * catalogue (src/errors/catalogue.ts). `src/errors/catalogue.test.ts` fails when they differ.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { errorsMarkdown, exitCodeTable } from "../src/errors/catalogue-docs.js";

const root = new URL("../", import.meta.url);
writeFileSync(new URL("docs/errors.md", root), errorsMarkdown());
const readmePath = new URL("README.md", root);
const readme = readFileSync(readmePath, "utf8");
const table = /(### Exit codes\n\n)(\|[^\n]*\n)+/;
if (!table.test(readme)) throw new Error("README.md has no table under '### Exit codes'");
writeFileSync(
  readmePath,
  readme.replace(table, (_match, heading: string) => `${heading}${exitCodeTable()}\n`),
);
