/**
 * Simulated root models for OOLONG-style questions: the labels are only in the meaning of each
 * message, so sub-models label the records in batches (`llm_query_batched`), and the counting,
 * ranking and pairing is exact Python over the labelled records. The answer is submitted from code.
 */

import { LABEL_PROMPT_PYTHON } from "./python-snippets.js";
import { codeReply, type RootView } from "./root-view.js";

const RECORDS_PER_CALL = 200;

const PROBE_RECORDS = `
lines = context.split("\\n")
print(type(context).__name__, len(context), "characters,", len(lines), "lines")
for line in lines[:3]:
    print(line)
`;

function aggregation(query: string): string | undefined {
  const user = /from user (\d+) are labelled (\w+)/.exec(query);
  if (user) {
    return `result = sum(1 for (_, user, label) in records if user == ${Number(user[1])} and label == "${user[2]}")`;
  }
  const total = /in total are labelled (\w+)/.exec(query);
  if (total) return `result = sum(1 for (_, _, label) in records if label == "${total[1]}")`;
  if (/most common/.test(query)) {
    return `from collections import Counter
result = Counter(label for (_, _, label) in records if label).most_common(1)[0][0]`;
  }
  if (/least common/.test(query)) {
    return `from collections import Counter
counts = Counter(label for (_, _, label) in records if label)
result = min(LABELS, key=lambda label: counts.get(label, 0))`;
  }
  const pairs = /at least one record labelled (\w+) and at least one record labelled (\w+)/.exec(query);
  if (pairs) {
    return `by_user = {}
for (_, user, label) in records:
    by_user.setdefault(user, set()).add(label)
chosen = sorted(user for user, labels in by_user.items() if "${pairs[1]}" in labels and "${pairs[2]}" in labels)
result = "\\n".join("(%d, %d)" % (a, b) for i, a in enumerate(chosen) for b in chosen[i + 1:])
print("qualifying users:", len(chosen))`;
  }
  return undefined;
}

export function recordsRoot(view: RootView): string {
  if (view.turn === 0) return codeReply("Let me see how the records look.", PROBE_RECORDS);
  const compute = aggregation(view.query);
  if (compute === undefined) return "I do not understand the question.\n\nFINAL(unknown)";
  if (view.turn === 1) {
    const maxChars = Math.max(2_000, view.subCallChars - 1_000);
    return codeReply(
      "The label is in the meaning of each message, so sub-models label the records in batches; then I aggregate in code and submit.",
      `${LABEL_PROMPT_PYTHON}
records = label_all(context, ${RECORDS_PER_CALL}, ${maxChars})
print("records:", len(records), "unlabelled:", sum(1 for r in records if r[2] is None))
${compute}
answer["content"] = str(result)
answer["ready"] = True`,
    );
  }
  // The engine only asks again when the code did not submit (an error): submit what is known.
  return "FINAL_VAR(result)";
}
