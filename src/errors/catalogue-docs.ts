/**
 * The catalogue as Markdown: `docs/errors.md` and the README's exit-code table are this text,
 * written by `npm run docs:errors` and compared with the files by `catalogue.test.ts`.
 */

import { ERROR_CODES, EXIT, EXIT_MEANINGS, type ExitKind, errorEntry, httpErrorOf } from "./catalogue.js";

/** The README's "Exit codes" table. */
export function exitCodeTable(): string {
  const rows = (Object.keys(EXIT) as ExitKind[]).map((kind) => `| ${EXIT[kind]} | ${EXIT_MEANINGS[kind]} |`);
  return ["| code | meaning |", "| --- | --- |", ...rows].join("\n");
}

export function errorsMarkdown(): string {
  const rows = ERROR_CODES.map((code) => {
    const entry = errorEntry(code);
    const http = httpErrorOf(code);
    return `| \`${code}\` | ${EXIT[entry.exit]} | ${http.status} | \`${http.type}\` | \`${http.code}\` | ${entry.meaning} |`;
  });
  return `# Errors

<!-- Generated from src/errors/catalogue.ts by \`npm run docs:errors\`; a test keeps it equal. -->

Every failure rlm raises is an \`RlmError\` (\`src/errors\`) with a \`code\` from one catalogue, a
\`hint\` saying what to do, and \`isRetryable\` (with \`retryAfterSeconds\` when the server sent
\`Retry-After\`). The catalogue gives each code the \`rlm\` command's exit code and, when the error
ends a request to \`rlm serve\`, the HTTP status and OpenAI's error \`type\` and \`code\` (snake_case,
as OpenAI writes its codes) in \`{"error": {"message", "type", "param", "code"}}\`. A code not in
the catalogue does not compile. Anything that is not an \`RlmError\` is a bug: exit code 1, HTTP 500
\`internal_error\`.

Some errors carry structured fields:

- \`ModelCallError\` (\`src/models/errors.ts\`, every model-call code): \`status\` (the backend's HTTP
  status, when it answered one) and \`url\` (the URL called); \`ContextOverflowError\` adds
  \`promptTokens\` and \`contextWindow\`.
- \`BudgetError\` (\`budget-exceeded\`, \`src/budget\`): \`stopReason\` (which limit), \`spent\` and
  \`limit\`, in the limit's unit (tokens, US dollars, milliseconds, sub-calls).
- A completion's result (\`CompletionResult\`) carries the error that ended the run as \`failure\`
  (stop reason \`error\`; \`run-failed\` wraps an error that was not an \`RlmError\`), beside \`error\`,
  the sentence saying which step failed.

| code | exit | HTTP | OpenAI \`type\` | OpenAI \`code\` | when |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
}
