/**
 * Simulated root model for codebase questions: the context is a dict of path -> source, and every
 * question here is answered exactly in code (a declaration regex, import specifiers, line counts),
 * the way a capable model would do it rather than reading files through sub-calls.
 */

import type { QuestionAsk } from "../tasks/types.js";
import { codeReply, pythonString, type RootView, readMarked } from "./root-view.js";

export type CodebaseAsk = Extract<
  QuestionAsk,
  { kind: "declares" | "imports" | "longer-than" | "longest-file" }
>;

const PROBE_FILES = `
print(type(context).__name__, len(context), "files")
print(list(context)[:40])
`;

function search(ask: CodebaseAsk): string {
  if (ask.kind === "declares") {
    return `import re
name = ${pythonString(ask.name)}
pattern = re.compile(r"^[ \\t]*(?:export[ \\t]+)?(?:default[ \\t]+)?(?:declare[ \\t]+)?(?:abstract[ \\t]+)?(?:async[ \\t]+)?(?:function\\*?|class|interface|type|enum|const|let|def)[ \\t]+" + re.escape(name) + r"(?![\\w$])", re.M)
result = [path for path, text in context.items() if pattern.search(text)]`;
  }
  if (ask.kind === "imports") {
    return `import re
tail = ${pythonString(ask.tail)}
pattern = re.compile(r"(?:\\bfrom|\\bimport|\\brequire)[ \\t]*\\(?[ \\t]*[\\"']([^\\"'\\n]+)[\\"']")
result = sum(1 for text in context.values() if any(s == tail or s.endswith("/" + tail) for s in pattern.findall(text)))`;
  }
  if (ask.kind === "longer-than") {
    return `def count_lines(text):
    return 0 if not text else text.count("\\n") + (0 if text.endswith("\\n") else 1)
result = sum(1 for text in context.values() if count_lines(text) > ${ask.lines})`;
  }
  return `def count_lines(text):
    return 0 if not text else text.count("\\n") + (0 if text.endswith("\\n") else 1)
result = [max(context, key=lambda path: count_lines(context[path]))]`;
}

export function codebaseRoot(view: RootView, ask: CodebaseAsk): string {
  if (view.turn === 0) return codeReply("First, the list of files.", PROBE_FILES);
  const code = search(ask);
  if (view.turn === 1) {
    return codeReply(
      "This is exact information in the sources, so code answers it directly.",
      `import json
${code}
print("RESULT_JSON:", json.dumps(result))`,
    );
  }
  const result = readMarked(view.lastObservation, "RESULT_JSON:");
  if (Array.isArray(result)) return result.length > 0 ? `FINAL(${String(result[0])})` : "FINAL(not found)";
  if (typeof result === "number") return `FINAL(${result})`;
  return "FINAL(not found)";
}
