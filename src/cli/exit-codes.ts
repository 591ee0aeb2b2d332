import { EXIT, exitCodeOf, isRlmError } from "../errors/index.js";

/**
 * Exit codes of the `rlm` command: the catalogue's (`src/errors/catalogue.ts`), one per kind of
 * trouble so scripts can react without parsing messages. Documented in the README ("Exit codes").
 */
export { EXIT };

export function exitCodeFor(error: unknown): number {
  return isRlmError(error) ? exitCodeOf(error.code) : EXIT.internal;
}
