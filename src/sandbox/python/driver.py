"""The model's side of the RLM REPL, shared by every sandbox runtime (pyodide and process).

It defines the names the root model's code may use (``context``, ``llm_query``, ``FINAL``...) in a
persistent user namespace, and the entry points a runtime calls (``_rlm_load_bytes`` or
``_rlm_load_prepare`` / ``_rlm_load_finish``, ``_rlm_exec``, ``_rlm_get_var``, ``_rlm_set_tools``,
``_rlm_configure``). It never touches a transport: the runtime defines
``_rlm_host_call(request: dict) -> dict`` in this module's globals before any code runs.
The messages are defined on the TypeScript side: what each entry point returns in
``src/sandbox/driver-result.ts`` (checked with zod), the ``_rlm_host_call`` requests and replies in
``src/sandbox/host-calls.ts``, and how a runtime carries them in ``src/sandbox/core/transport.ts``.
Everything an entry point returns is JSON-able.
"""

import ast
import builtins
import codecs
import io
import json
import keyword
import linecache
import signal
import sys
import threading
import time
import traceback
import types

# Names the model relies on; restored after every block if the model overwrote them.
_RLM_RESERVED = (
    "context", "llm_query", "llm_query_batched", "rlm_query", "rlm_query_batched", "ask_llm",
    "parallel_ask_llm", "SHOW_VARS", "answer", "FINAL", "FINAL_VAR",
)
_RLM_CUT_MARKER = "\n[... {} characters cut ...]\n"
# Until the host calls _rlm_configure; the same number as DEFAULT_MAX_OUTPUT_CHARS in core/transport.ts.
_rlm_settings = {"max_output_chars": 100_000}
_rlm_state = {"final": None, "cell": 0, "user_running": False, "in_host_call": False,
              "interrupt_pending": False}
_rlm_contexts = {}  # variable name -> loaded value (restored like the reserved names)
_rlm_tools = {}  # tool name -> Python function calling the host
_rlm_loading = {}  # the load between _rlm_load_prepare and _rlm_load_finish
_rlm_namespace = {"__name__": "__main__", "__builtins__": builtins}


# ---------------------------------------------------------------- output capture

class _RlmCappedText(io.TextIOBase):
    """A text stream that keeps the head and the tail of what is written and counts the middle."""

    def __init__(self, limit):
        self._head_limit = (limit * 3) // 5
        self._tail_limit = limit - self._head_limit
        self._head = []
        self._head_size = 0
        self._tail = []
        self._tail_size = 0
        self._total = 0

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        written = len(text)
        self._total += written
        room = self._head_limit - self._head_size
        if room > 0:
            self._head.append(text[:room])
            self._head_size += min(room, len(text))
            text = text[room:]
        if text and self._tail_limit > 0:
            if len(text) >= self._tail_limit:
                self._tail = [text[-self._tail_limit:]]
                self._tail_size = self._tail_limit
            else:
                self._tail.append(text)
                self._tail_size += len(text)
                if self._tail_size > 2 * self._tail_limit:
                    self._trim_tail()
        return written

    def _trim_tail(self):
        joined = "".join(self._tail)[-self._tail_limit:]
        self._tail = [joined]
        self._tail_size = len(joined)

    def getvalue(self):
        self._trim_tail()
        head = "".join(self._head)
        tail = "".join(self._tail)
        cut = self._total - len(head) - len(tail)
        return head + _RLM_CUT_MARKER.format(cut) + tail if cut > 0 else head + tail


# ---------------------------------------------------------------- host calls

def _rlm_call_host(request):
    """Blocks on the runtime's bridge; an interrupt reaching the main thread meanwhile is deferred
    until the reply is in, so no reply is left unread. Other threads (a model's thread pool) just wait."""
    if threading.current_thread() is not threading.main_thread():
        return _rlm_host_call(request)  # noqa: F821 - defined by the runtime
    _rlm_state["in_host_call"] = True
    try:
        return _rlm_host_call(request)  # noqa: F821
    finally:
        _rlm_state["in_host_call"] = False
        if _rlm_state["interrupt_pending"] and _rlm_state["user_running"]:
            _rlm_state["interrupt_pending"] = False
            raise KeyboardInterrupt


def _rlm_on_interrupt(signum, frame):
    # Only user code is interrupted: the driver's own bookkeeping and a pending bridge reply are not.
    if _rlm_state["user_running"] and not _rlm_state["in_host_call"]:
        raise KeyboardInterrupt
    if _rlm_state["user_running"]:
        _rlm_state["interrupt_pending"] = True


def _rlm_query(kind, prompts, model, batch=False, dry_run=False):
    request = {"type": "query", "kind": kind, "model": model, "prompts": prompts}
    if batch:
        request.update(batch=True, dryRun=bool(dry_run))
    reply = _rlm_call_host(request)
    if "refused" in reply:
        raise RuntimeError(reply["refused"])
    if dry_run:
        return reply["estimate"]
    return reply["results"]


def _rlm_prompt_list(name, prompts):
    if isinstance(prompts, (str, bytes)):
        raise TypeError(name + "() takes a list of prompts; for one prompt call "
                        + name.replace("_batched", "").replace("parallel_", "") + "(prompt)")
    return [str(prompt) for prompt in prompts]


def _rlm_model_name(model):
    return None if model is None else str(model)


def _rlm_query_one(kind, prompt, model):
    result = _rlm_query(kind, [str(prompt)], _rlm_model_name(model))[0]
    if not result["ok"]:
        raise RuntimeError("[error] " + result["error"])
    return result["text"]


def _rlm_query_many(kind, name, prompts, model, dry_run):
    prompts = _rlm_prompt_list(name, prompts)
    if not prompts and not dry_run:
        return []
    results = _rlm_query(kind, prompts, _rlm_model_name(model), batch=True, dry_run=dry_run)
    if dry_run:
        return results
    return [r["text"] if r["ok"] else "[error] " + r["error"] for r in results]


def llm_query(prompt, model=None):
    """Asks a sub-model one prompt and returns its text (raises RuntimeError("[error] ...") on failure)."""
    return _rlm_query_one("llm", prompt, model)


def llm_query_batched(prompts, model=None, dry_run=False):
    """Asks a sub-model every prompt concurrently; results in input order, a failure as "[error] ...".
    The host first checks the whole batch against what is left of the budget and raises RuntimeError,
    sending nothing, when it cannot fit. dry_run=True returns that estimate (a dict) and sends nothing."""
    return _rlm_query_many("llm", "llm_query_batched", prompts, model, dry_run)


def rlm_query(prompt, model=None):
    """Asks a child RLM (its own REPL, `prompt` as its context); a plain llm_query at the depth limit."""
    return _rlm_query_one("rlm", prompt, model)


def rlm_query_batched(prompts, model=None, dry_run=False):
    """rlm_query for every prompt concurrently; results in input order, a failure as "[error] ...".
    Checked first like llm_query_batched; dry_run=True returns the estimate and sends nothing."""
    return _rlm_query_many("rlm", "rlm_query_batched", prompts, model, dry_run)


ask_llm = llm_query
parallel_ask_llm = llm_query_batched


def _rlm_make_tool(name, description):
    def tool(*args, **kwargs):
        try:
            json.dumps([args, kwargs])
        except (TypeError, ValueError) as error:
            raise TypeError(name + "() takes JSON values only (str, int, float, bool, None, list, dict): "
                            + str(error)) from None
        reply = _rlm_call_host({"type": "tool", "name": name, "args": list(args), "kwargs": kwargs})
        if not reply.get("ok"):
            # The host error's type when it names a builtin exception (ValueError), as if raised here.
            error_type = getattr(builtins, str(reply.get("errorType") or "_"), None)
            if isinstance(error_type, type) and issubclass(error_type, Exception):
                raise error_type(str(reply.get("error"))) from None
            raise RuntimeError("[error] tool " + name + " failed: " + str(reply.get("error")))
        return reply.get("value")

    tool.__name__ = name
    tool.__qualname__ = name
    tool.__doc__ = description
    return tool


# ---------------------------------------------------------------- answers and variables

def FINAL(text):
    """Submits `text` as the final answer (it is reported when this block ends)."""
    _rlm_state["final"] = str(text)
    return None


def FINAL_VAR(name_or_value):
    """Submits a variable as the final answer: by name (FINAL_VAR("result")) or by value (FINAL_VAR(result))."""
    frame = sys._getframe(1)
    scopes = (frame.f_locals, frame.f_globals)
    if isinstance(name_or_value, str):
        name = name_or_value.strip().strip("\"'` ")
        for scope in scopes:
            if name in scope and name.isidentifier():
                _rlm_state["final"] = str(scope[name])
                return None
        looks_like_name = name.isidentifier() and not keyword.iskeyword(name)
        passed_a_variable = any(value is name_or_value for scope in scopes for value in scope.values())
        if looks_like_name and not passed_a_variable:
            raise NameError("FINAL_VAR(" + repr(name) + "): no variable named " + repr(name)
                            + ". Assign it first, or call FINAL(text) to submit text directly. Variables: "
                            + ", ".join(v["name"] for v in _rlm_variables()))
    _rlm_state["final"] = str(name_or_value)
    return None


class _RlmShownText(str):
    """A str that also shows as itself when echoed, so SHOW_VARS() reads well printed or bare."""

    def __repr__(self):
        return str(self)


def SHOW_VARS():
    """Lists the variables you defined, with type and size."""
    rows = [f"{v['name']}: {v['type']} (size {v['size']})" for v in _rlm_variables()]
    return _RlmShownText("\n".join(rows) if rows else "(no variables yet)")


def _rlm_size(value):
    try:
        return len(value)
    except Exception:
        try:
            return len(repr(value))
        except Exception:
            return 0


def _rlm_variables():
    hidden = set(_RLM_RESERVED) | set(_rlm_tools) | {"__name__", "__builtins__"}
    found = []
    for name, value in list(_rlm_namespace.items()):
        if name.startswith("_") or name in hidden or isinstance(value, types.ModuleType):
            continue
        size = _rlm_size(value)
        found.append({"name": name, "type": type(value).__name__, "size": size if isinstance(size, int) else 0})
    return found


def _rlm_fresh_answer():
    return {"content": "", "ready": False}


def _rlm_restore_names():
    for name in _RLM_RESERVED:
        if name not in ("context", "answer"):
            _rlm_namespace[name] = globals()[name]
    answer = _rlm_namespace.get("answer")
    if not isinstance(answer, dict) or answer.get("ready"):
        _rlm_namespace["answer"] = _rlm_fresh_answer()
    _rlm_namespace.update(_rlm_tools)
    _rlm_namespace.update(_rlm_contexts)
    if "context" not in _rlm_contexts:
        _rlm_namespace["context"] = _rlm_contexts.get("context_0", "")


def _rlm_take_answer():
    final = _rlm_state["final"]
    _rlm_state["final"] = None
    if final is not None:
        return final
    answer = _rlm_namespace.get("answer")
    if isinstance(answer, dict) and answer.get("ready"):
        return str(answer.get("content", ""))
    return None


# ---------------------------------------------------------------- entry points

def _rlm_configure(settings):
    """Settings from the host: {"max_output_chars": int}. Returns the settings in force."""
    if "max_output_chars" in settings:
        _rlm_settings["max_output_chars"] = max(100, int(settings["max_output_chars"]))
    return dict(_rlm_settings)


def _rlm_count_replaced(error):
    _rlm_count_replaced.count += error.end - error.start
    return ("\ufffd", error.end)


_rlm_count_replaced.count = 0
codecs.register_error("rlm_count_replaced", _rlm_count_replaced)


def _rlm_decode(data):
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError:
        return str(data, "utf-8", "rlm_count_replaced")


def _rlm_load_bytes(data, kind, variable="context"):
    """kind "str"/"bytes": the whole text; "json": a list or dict's JSON text. "list": a JSON line of part byte lengths, then the parts.
    "dict": a JSON line {"keys": [...], "lengths": [...]}, then the values. Invalid UTF-8 is replaced."""
    started = time.perf_counter()
    _rlm_check_variable(variable)
    _rlm_count_replaced.count = 0
    if kind in ("str", "bytes", "json"):
        return _rlm_bind(kind, variable, [_rlm_decode(data)], None, started)
    newline = data.index(b"\n")
    header = json.loads(data[:newline])
    lengths = header if kind == "list" else header["lengths"]
    view = memoryview(data)
    parts = []
    offset = newline + 1
    for length in lengths:
        parts.append(_rlm_decode(view[offset:offset + length]))
        offset += length
    if offset != len(data):
        gap = len(data) - offset
        raise ValueError("context file framing is broken: " + (
            str(gap) + " bytes left over" if gap > 0 else "the data ends " + str(-gap) + " bytes early"))
    return _rlm_bind(kind, variable, parts, None if kind == "list" else header["keys"], started)


# A load in two steps, for a runtime that can write into Python's memory (pyodide): prepare makes one
# empty object per part and returns their ids (= addresses), the runtime copies each part's UTF-8
# bytes into them, finish decodes and binds. No second full-size copy of the bytes ever exists.
def _rlm_load_prepare(plan):
    """plan: {"kind", "variable", "keys" (dict only), "parts": [{"bytes": n, "ascii": bool}]}.
    Returns [[id, "str" | "bytearray"], ...], one per part. An ASCII part's UTF-8 is its text: it
    goes straight into a new str of that length (written before anything can see or hash it), so it
    costs its size once; any other part goes into a bytearray that finish decodes and drops."""
    started = time.perf_counter()
    _rlm_check_variable(plan["variable"])
    _rlm_loading.clear()  # a load that never finished must not keep its buffers
    # "\0" * n is a fresh compact ASCII str for n >= 2 (shorter ones may be shared singletons).
    targets = ["\0" * part["bytes"] if part["ascii"] and part["bytes"] >= 2 else bytearray(part["bytes"])
               for part in plan["parts"]]
    _rlm_loading.update(plan=plan, targets=targets, started=started)
    return [[id(target), "str" if type(target) is str else "bytearray"] for target in targets]


def _rlm_load_finish():
    """Binds the context whose bytes the runtime copied into the objects prepare returned."""
    plan, targets, started = _rlm_loading["plan"], _rlm_loading["targets"], _rlm_loading["started"]
    _rlm_loading.clear()
    _rlm_count_replaced.count = 0
    for index, target in enumerate(targets):
        if type(target) is bytearray:
            targets[index] = _rlm_decode(target)  # the bytearray goes once `target` moves on
    target = None
    return _rlm_bind(plan["kind"], plan["variable"], targets, plan.get("keys"), started)


def _rlm_load_abandon():
    """Drops a load that failed half-way (its buffers are as large as the context)."""
    _rlm_loading.clear()
    return {}


def _rlm_check_variable(variable):
    if not variable.isidentifier() or keyword.iskeyword(variable) or variable in _RLM_RESERVED[1:]:
        raise ValueError("cannot load a context into " + repr(variable) + ": not a free Python name")


def _rlm_bind(kind, variable, parts, keys, started):
    """Binds decoded parts as kind ("str"/"bytes": one part) and returns the load's info."""
    info = {"variable": variable}
    if kind == "json":
        value = json.loads(parts[0])
        items = list(value.values()) if isinstance(value, dict) else list(value)
        part_lengths = [len(item) if isinstance(item, str) else len(json.dumps(item)) for item in items]
        info.update(type="dict" if isinstance(value, dict) else "list", totalChars=sum(part_lengths),
                    partLengths=part_lengths, json=True)
        if isinstance(value, dict):
            info["keys"] = list(value.keys())
        return _rlm_bound(variable, value, info, started)
    part_lengths = [len(part) for part in parts]
    if kind in ("str", "bytes"):
        value = parts[0]
        info.update(type="str", totalChars=part_lengths[0], partLengths=part_lengths)
    else:
        info.update(type=kind, totalChars=sum(part_lengths), partLengths=part_lengths)
        if kind == "list":
            value = parts
        else:
            value = dict(zip(keys, parts))
            info["keys"] = list(keys)
    return _rlm_bound(variable, value, info, started)


def _rlm_bound(variable, value, info, started):
    info["replacedBytes"] = _rlm_count_replaced.count
    _rlm_contexts[variable] = value
    if variable != "context" and "context" not in _rlm_contexts:
        _rlm_contexts["context"] = value  # sessions load context_0, context_1...: `context` is the first
    _rlm_namespace.update(_rlm_contexts)
    info["elapsedMs"] = (time.perf_counter() - started) * 1000
    return info


def _rlm_set_tools(specs):
    """Defines one Python function per host tool ({"name", "description"}), or binds a plain value
    ({"name", "value"}) as it is; restored like reserved names."""
    taken = [spec["name"] for spec in specs if not spec["name"].isidentifier()
             or keyword.iskeyword(spec["name"]) or spec["name"] in _RLM_RESERVED]
    if taken:
        raise ValueError("tool names that are not free Python names: " + ", ".join(map(repr, taken)))
    for spec in specs:
        name = spec["name"]
        _rlm_tools[name] = spec["value"] if "value" in spec else _rlm_make_tool(name, spec.get("description", ""))
    _rlm_namespace.update(_rlm_tools)
    return {"tools": sorted(_rlm_tools)}


def _rlm_get_var(name):
    if name not in _rlm_namespace:
        return {"found": False, "value": ""}
    try:
        return {"found": True, "value": str(_rlm_namespace[name])}
    except Exception as error:  # noqa: BLE001 - a value whose __str__ raises still gets an answer
        return {"found": True, "value": "<" + name + " could not be turned into text: " + repr(error) + ">"}


def _rlm_compile(code):
    """Compiles a block as a REPL would: the body, then a bare last expression to echo."""
    _rlm_state["cell"] += 1
    filename = "<cell " + str(_rlm_state["cell"]) + ">"
    lines = code.splitlines(keepends=True)
    linecache.cache[filename] = (len(code), None, lines, filename)  # tracebacks show the failing line
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    return body, (compile(last, filename, "eval") if last is not None else None)


def _rlm_format_error(error):
    """The traceback from the user's own frames on (the driver's frames say nothing to the model)."""
    trace = error.__traceback__
    while trace is not None and not trace.tb_frame.f_code.co_filename.startswith("<cell"):
        trace = trace.tb_next
    if isinstance(error, SyntaxError) or trace is None:
        return "".join(traceback.format_exception_only(type(error), error))
    summary = traceback.TracebackException(type(error), error, trace)
    driver_file = _rlm_exec.__code__.co_filename
    summary.stack = traceback.StackSummary.from_list([f for f in summary.stack if f.filename != driver_file])
    return "".join(summary.format())


def _rlm_exec(code):
    """Runs one block in the persistent namespace; the result is ``driverExecSchema`` in driver-result.ts."""
    limit = _rlm_settings["max_output_chars"]
    stdout, stderr = _RlmCappedText(limit), _RlmCappedText(limit)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    error = None
    _rlm_state["final"] = None
    _rlm_state["interrupt_pending"] = False
    try:
        _rlm_state["user_running"] = True
        try:
            body, last = _rlm_compile(code)
            exec(body, _rlm_namespace)
            if last is not None:
                value = eval(last, _rlm_namespace)
                if value is not None:
                    print(repr(value))
        finally:
            _rlm_state["user_running"] = False
    except SystemExit as exit_error:
        error = "SystemExit: " + str(exit_error.code) + " (ignored: the REPL keeps running)\n"
    except BaseException as raised:  # noqa: BLE001 - the model must see every failure, then go on
        error = _rlm_format_error(raised)
    finally:
        _rlm_state["interrupt_pending"] = False
        sys.stdout, sys.stderr = saved
    answer = None
    try:
        answer = _rlm_take_answer()
    except BaseException as raised:  # noqa: BLE001 - e.g. a submitted object whose __str__ raises
        error = (error or "") + "The submitted answer could not be turned into text:\n" + _rlm_format_error(raised)
    _rlm_restore_names()
    return {"stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "error": error, "answer": answer,
            "variables": _rlm_variables()}


_rlm_restore_names()
try:
    signal.signal(signal.SIGINT, _rlm_on_interrupt)
except (ValueError, OSError, AttributeError):
    pass  # not the main thread, or no signals here: the runtime interrupts another way
