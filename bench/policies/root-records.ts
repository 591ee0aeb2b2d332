/**
 * Simulated root models for OOLONG-style questions: the labels are only in the meaning of each
 * message, so sub-models label the records in batches (`llm_query_batched`), and the counting,
 * ranking and pairing is exact Python over the labelled records. The answer is submitted from code.
 */

import type { QuestionAsk } from "../tasks/types.js";
import { LABEL_PROMPT_PYTHON } from "./python-snippets.js";
import { codeReply, type RootView } from "./root-view.js";

const RECORDS_PER_CALL = 200;

const PROBE_RECORDS = `
lines = context.split("\\n")
print(type(context).__name__, len(context), "characters,", len(lines), "lines")
for line in lines[:3]:
    print(line)
`;

export type RecordsAsk = Extract<QuestionAsk, { kind: "count-label" | "rank-label" | "label-pairs" }>;

function aggregation(ask: RecordsAsk): string {
  switch (ask.kind) {
    case "count-label":
      return ask.user === undefined
        ? `result = sum(1 for (_, _, label) in records if label == "${ask.label}")`
        : `result = sum(1 for (_, user, label) in records if user == ${ask.user} and label == "${ask.label}")`;
    case "rank-label":
      return ask.rank === "most"
        ? `from collections import Counter
result = Counter(label for (_, _, label) in records if label).most_common(1)[0][0]`
        : `from collections import Counter
counts = Counter(label for (_, _, label) in records if label)
result = min(LABELS, key=lambda label: counts.get(label, 0))`;
    case "label-pairs":
      return `by_user = {}
for (_, user, label) in records:
    by_user.setdefault(user, set()).add(label)
chosen = sorted(user for user, labels in by_user.items() if "${ask.labels[0]}" in labels and "${ask.labels[1]}" in labels)
result = "\\n".join("(%d, %d)" % (a, b) for i, a in enumerate(chosen) for b in chosen[i + 1:])
print("qualifying users:", len(chosen))`;
  }
}

export function recordsRoot(view: RootView, ask: RecordsAsk): string {
  if (view.turn === 0) return codeReply("Let me see how the records look.", PROBE_RECORDS);
  const compute = aggregation(ask);
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
