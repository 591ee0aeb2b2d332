/**
 * The Python glue the worker runs around the shared driver: it defines `_rlm_host_call` on top of
 * the JS bridge function and one dispatcher through which the host calls the driver's entry points.
 * Host calls cross as UTF-8 JSON bytes (converting a non-ASCII `str` to a JS string is ~20x slower);
 * the driver's replies as ASCII JSON text (`ensure_ascii`): made into a JS string in ~2 µs, against
 * ~30 µs for bytes made into a Uint8Array, and no copy, transfer or decoding after (every exec pays it).
 */

/** Run before the driver, in the driver's namespace (`_rlm_js_host_call` is already set there). */
export const PRELUDE = `
import json as _rlm_json

def _rlm_json_bytes(value):
    try:
        return _rlm_json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the escaped form is always valid UTF-8
        return _rlm_json.dumps(value).encode("ascii")

def _rlm_host_call(request):
    reply = _rlm_js_host_call(_rlm_json_bytes(request))
    return _rlm_json.loads(reply.to_bytes())

def _rlm_host_read(request):
    # A lazy context's bytes: a status byte (0 ok), then the data or the error's text.
    reply = _rlm_js_host_call(_rlm_json_bytes(request))
    data = reply.subarray(1).to_bytes()
    if reply[0] != 0:
        raise OSError("[error] " + data.decode("utf-8", "replace"))
    return data

def _rlm_dispatch(method, arguments_json):
    return _rlm_json.dumps(globals()[method](*_rlm_json.loads(arguments_json)))
`;

/** Modules imported before a memory snapshot is taken, so that restoring one skips their import. */
export const SNAPSHOT_WARMUP = `
import ast, io, json, re, sys, traceback, collections, math, itertools, functools, codeop, types
import contextlib, linecache, tokenize, textwrap, string, random, statistics, datetime, difflib
`;

/**
 * Run once before the worker reports ready, outside the driver's state: the first compile, exec,
 * traceback and JSON round trip are several times slower than later ones (WebAssembly functions are
 * compiled on first use), and the model's first block should not pay for that.
 */
export const WARM_UP = `
import ast as _ast, json as _json, traceback as _traceback
_scratch = {}
exec(compile(_ast.parse("values = [str(i) * 2 for i in range(200)]\\ntotal = sum(len(v) for v in values)"), "<warm-up>", "exec"), _scratch)
try:
    exec(compile("1 / 0", "<warm-up>", "exec"), _scratch)
except ZeroDivisionError as _error:
    _traceback.format_exception(_error)
_json.loads(_json.dumps({"values": _scratch["values"], "text": "ü✓" * 100}, ensure_ascii=False).encode("utf-8"))
del _ast, _json, _traceback, _scratch
`;
