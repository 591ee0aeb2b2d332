# A minimal native-Python REPL for testing the simulated policies' code before (and apart from)
# the real sandbox: context from a file, llm_query over JSON lines on stdio, FINAL / answer dict.
import contextlib
import io
import json
import sys
import traceback

path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    data = handle.read()
context = json.loads(data) if path.endswith(".json") else data
out = sys.stdout


def _ask(prompts, kind="llm"):
    out.write(json.dumps({"type": "query", "kind": kind, "prompts": list(prompts)}) + "\n")
    out.flush()
    return json.loads(sys.stdin.readline())["replies"]


def llm_query(prompt, model=None):
    return _ask([prompt])[0]


def llm_query_batched(prompts, model=None):
    return _ask(prompts)


def rlm_query_batched(prompts, model=None):
    return _ask(prompts, "rlm")


def rlm_query(prompt, model=None):
    return _ask([prompt], "rlm")[0]


ask_llm = llm_query
parallel_ask_llm = llm_query_batched
answer = {"content": "", "ready": False}
_final = [None]


def FINAL(value):
    _final[0] = str(value)


def FINAL_VAR(value):
    _final[0] = str(globals()[value]) if isinstance(value, str) and value in globals() else str(value)


for line in sys.stdin:
    message = json.loads(line)
    buffer = io.StringIO()
    error = None
    with contextlib.redirect_stdout(buffer):
        try:
            exec(message["code"], globals())
        except Exception:
            error = traceback.format_exc()
    submitted = _final[0] if _final[0] is not None else (answer["content"] if answer["ready"] else None)
    out.write(json.dumps({"type": "done", "stdout": buffer.getvalue(), "error": error, "answer": submitted}) + "\n")
    out.flush()
