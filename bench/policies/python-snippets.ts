/**
 * Python the simulated root models write again and again: chunking at paragraph boundaries, the
 * reading prompt for a sub-model, record batching. Kept as text, the way a model would write it.
 */

/** How the reading prompt starts: a child RLM given one as its context knows it by this. */
export const READ_PROMPT_HEAD = "Read the text below and answer the question.";

/** The prompt the root sends a sub-model; the simulated reader parses exactly this shape. */
export const READ_PROMPT_PYTHON = `
def make_prompt(question, text):
    return ("${READ_PROMPT_HEAD} "
            "If the text does not contain the answer, reply exactly NOT FOUND.\\n"
            "Question: " + question + "\\n\\nText:\\n" + text)
`;

/** Chunks of at most `size` characters, cut at a paragraph (else sentence) boundary. */
export const CHUNK_PYTHON = `
def chunk_text(text, size):
    chunks, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\\n\\n", start, end)
            if cut <= start:
                cut = text.rfind(". ", start, end)
            if cut > start:
                end = cut + 2
        chunks.append(text[start:end])
        start = end
    return chunks
`;

export const PROBE_PYTHON = `
print(type(context).__name__, len(context))
print(list(context)[:20] if isinstance(context, (list, dict)) else repr(context[:300]))
`;

export const LABEL_PROMPT_PYTHON = `
LABELS = ["complaint", "praise", "question", "request", "update"]

def label_prompt(lines):
    return ("Label each customer record below with exactly one of: " + ", ".join(LABELS) + ".\\n"
            "Reply with one line per record, in the form '<record id>: <label>', nothing else.\\n\\n"
            "Records:\\n" + "\\n".join(lines))

def label_all(text, per_call, max_chars):
    lines = [line for line in text.split("\\n") if line.strip()]
    batches, batch, size = [], [], 0
    for line in lines:
        if batch and (len(batch) >= per_call or size + len(line) > max_chars):
            batches.append(batch)
            batch, size = [], 0
        batch.append(line)
        size += len(line) + 1
    if batch:
        batches.append(batch)
    replies = llm_query_batched([label_prompt(b) for b in batches])
    labels = {}
    for reply in replies:
        for row in reply.split("\\n"):
            if ":" in row:
                key, value = row.split(":", 1)
                digits = "".join(ch for ch in key if ch.isdigit())
                if digits and value.strip().lower() in LABELS:
                    labels[int(digits)] = value.strip().lower()
    records = []
    for line in lines:
        parts = line.split(" | ")
        record_id = int(parts[0].split()[-1])
        user = int(parts[2].split()[-1])
        records.append((record_id, user, labels.get(record_id)))
    return records
`;
