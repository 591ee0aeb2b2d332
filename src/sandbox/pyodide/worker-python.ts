/**
 * The Python glue the worker runs around the shared driver: it defines `_rlm_host_call` on top of
 * the JS bridge function and one dispatcher through which the host calls the driver's entry points.
 * Everything crosses as UTF-8 JSON bytes: converting non-ASCII `str` to a JS string is ~20x slower.
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

def _rlm_dispatch(method, arguments_json):
    return _rlm_json_bytes(globals()[method](*_rlm_json.loads(arguments_json)))
`;

/** Modules imported before a memory snapshot is taken, so that restoring one skips their import. */
export const SNAPSHOT_WARMUP = `
import ast, io, json, re, sys, traceback, collections, math, itertools, functools, codeop, types
import contextlib, linecache, tokenize, textwrap, string, random, statistics, datetime, difflib
`;
