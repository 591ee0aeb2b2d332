"""A context too large to load: ``context`` as a read-only text whose bytes stay on the host.

Every runtime runs this file right after ``driver.py``, in the same namespace and under the same
file name (so the model's tracebacks hide its frames like the driver's). The runtime defines
``_rlm_host_read(request: dict) -> bytes`` beside ``_rlm_host_call``: it asks the host for
``length`` bytes at ``offset`` of a loaded source (``{"type": "read", "source", "offset",
"length"}``), and raises OSError when the host refuses. The host checks every field: Python can
read only the sources loaded into this sandbox, never a path.

``LazyText`` behaves like the ``str`` models expect for what they do with a document: ``len``,
indexing and slicing, ``find``/``rfind``/``index``/``count``/``in``, ``startswith``/``endswith``,
``splitlines`` and ``lines()``, ``chunks()``, and regular expressions through ``re.search``,
``re.findall``, ``re.finditer`` (patched below) or ``context.search``/``findall``/``finditer``.
Positions count UTF-8 bytes (the same as characters for ASCII text); a slice that cuts a character
shows U+FFFD at the cut. Anything else a str has (``split``, ``lower``...) works on contexts up to
``_RLM_LAZY_MAX_TEXT`` and says what to do instead above it.
"""

import functools as _rlm_functools
import itertools as _rlm_itertools
import operator as _rlm_operator
import re as _rlm_re

_RLM_LAZY_READ = 4 << 20  # bytes per host read while scanning
_RLM_LAZY_BLOCK = 1 << 20  # random access reads whole blocks of this size...
_RLM_LAZY_CACHE_BLOCKS = 8  # ...and keeps the last few
_RLM_LAZY_MAX_TEXT = 64 << 20  # the largest str made from a lazy context at once
_RLM_LAZY_MATCH_SPAN = 64 << 10  # a window's overlap with the next; a longer match widens its window
_RLM_LAZY_BEHIND = 4096  # bytes before a window that lookbehinds and ^ see
_RLM_LAZY_HOW = ("scan it with context.finditer(pattern) / re.finditer(pattern, context), "
                 "context.find(text), context.splitlines() or context.chunks(size), "
                 "or slice a part: context[start:start + 1_000_000]")


def _rlm_lazy_decode(data):
    return data.decode("utf-8", "replace")


def _rlm_char_start(data, index):
    """`index` moved back to the first byte of the UTF-8 character it falls in (at most 3 bytes)."""
    for _ in range(3):
        if index <= 0 or index >= len(data) or (data[index] & 0xC0) != 0x80:
            break
        index -= 1
    return index


def _rlm_next_char(data, index):
    """`index` moved on to the first byte of the next UTF-8 character, if it is inside one."""
    for _ in range(3):
        if index >= len(data) or (data[index] & 0xC0) != 0x80:
            break
        index += 1
    return index


def _rlm_whole_chars(data):
    """How many bytes of `data` hold whole characters (an incomplete last one left out)."""
    last = _rlm_char_start(data, len(data) - 1)
    if last < 0 or data[last] < 0xC0:
        return len(data)
    needed = 2 if data[last] < 0xE0 else 3 if data[last] < 0xF0 else 4
    return last if last + needed > len(data) else len(data)


def _rlm_self_overlapping(needle):
    return any(needle[:k] == needle[-k:] for k in range(1, len(needle)))


class LazyText:
    """A read-only text of ``len(context)`` UTF-8 bytes kept on the host (see help(LazyText))."""

    __slots__ = ("_source", "_size", "_name", "_blocks")

    def __init__(self, source, size, name=None):
        self._source = source
        self._size = size
        self._name = name
        self._blocks = {}

    # ------------------------------------------------------------ reading

    def _read(self, start, stop):
        """Bytes [start, stop), clipped to the text; random access goes through a small block cache."""
        start, stop = max(0, start), min(self._size, stop)
        if stop <= start:
            return b""
        if stop - start > 2 * _RLM_LAZY_BLOCK:
            step = 2 * _RLM_LAZY_READ  # a scan's window (a read and its overlap) in one request
            pieces = [self._fetch(offset, min(step, stop - offset)) for offset in range(start, stop, step)]
            return pieces[0] if len(pieces) == 1 else b"".join(pieces)
        first, last = start // _RLM_LAZY_BLOCK, (stop - 1) // _RLM_LAZY_BLOCK
        data = b"".join(self._block(number) for number in range(first, last + 1))
        base = first * _RLM_LAZY_BLOCK
        return data[start - base:stop - base]

    def _block(self, number):
        block = self._blocks.pop(number, None)
        if block is None:
            offset = number * _RLM_LAZY_BLOCK
            block = self._fetch(offset, min(_RLM_LAZY_BLOCK, self._size - offset))
        self._blocks[number] = block  # the newest last
        while len(self._blocks) > _RLM_LAZY_CACHE_BLOCKS:
            del self._blocks[next(iter(self._blocks))]
        return block

    def _fetch(self, offset, length):
        data = _rlm_host_read({"type": "read", "source": self._source, "offset": offset,  # noqa: F821
                               "length": length})
        if len(data) != length:
            raise OSError("[error] the context's file changed or shrank on the host: asked for "
                          + str(length) + " bytes at " + str(offset) + ", got " + str(len(data)))
        return data

    def _text(self, start, stop):
        if stop - start > _RLM_LAZY_MAX_TEXT:
            raise MemoryError(self._too_large(stop - start, "a str of"))
        return _rlm_lazy_decode(self._read(start, stop))

    def _too_large(self, size, what):
        return (what + " " + format(size, ",") + " bytes is more than a lazy context makes at once ("
                + format(_RLM_LAZY_MAX_TEXT, ",") + "): " + _RLM_LAZY_HOW)

    def _windows(self, start, stop, extra):
        """(offset, bytes) windows over [start, stop): each _RLM_LAZY_READ long plus `extra` bytes
        of the next, so that a match of up to `extra + 1` bytes is never cut by a boundary."""
        for offset in range(start, stop, _RLM_LAZY_READ):
            yield offset, self._read(offset, min(stop, offset + _RLM_LAZY_READ + extra))

    def _bounds(self, start, end):
        """str.find's reading of start and end: negatives count from the end; a start past it stays."""
        size = self._size
        start = 0 if start is None else _rlm_operator.index(start)
        end = size if end is None else _rlm_operator.index(end)
        start = max(0, start + size) if start < 0 else start
        end = max(0, end + size) if end < 0 else min(end, size)
        return start, end

    # ------------------------------------------------------------ the str protocol

    def __len__(self):
        return self._size

    def __bool__(self):
        return self._size > 0

    def __repr__(self):
        name = "" if self._name is None else " (" + self._name + ")"
        return ("<lazy context" + name + ": " + format(self._size, ",")
                + " bytes of text on the host; slice it, or " + _RLM_LAZY_HOW.split(", or slice")[0] + ">")

    def __str__(self):
        return self._text(0, self._size)

    def __iter__(self):
        raise TypeError("a lazy context is not iterated character by character: "
                        "iterate context.splitlines() (lines) or context.chunks(size) (pieces)")

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._size)
            if step == 1:
                return self._text(start, stop) if stop > start else ""
            if step > 0:
                return self._text(start, max(start, stop))[::step]
            return self._text(stop + 1, max(stop + 1, start + 1))[::-1][::-step]
        index = _rlm_operator.index(key)
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("string index out of range")
        data = self._read(index - 3, index + 4)
        at = index - max(0, index - 3)
        begin = _rlm_char_start(data, at)
        return _rlm_lazy_decode(data[begin:])[:1]

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __getattr__(self, name):
        """Any other str method, on the whole text when it fits in one str."""
        method = getattr(str, name)  # AttributeError as a str would raise it
        if self._size > _RLM_LAZY_MAX_TEXT:
            raise AttributeError("context." + name + "() needs the whole text as one str; "
                                 + self._too_large(self._size, "the context's"))
        return getattr(str(self), name) if callable(method) else method

    def encode(self, encoding="utf-8", errors="strict"):
        return str(self).encode(encoding, errors)

    # ------------------------------------------------------------ searching

    @staticmethod
    def _needle(sub, method):
        if not isinstance(sub, str):
            raise TypeError(method + "() argument must be str, not " + type(sub).__name__)
        return sub.encode("utf-8")

    def find(self, sub, start=None, end=None):
        needle = self._needle(sub, "find")
        start, end = self._bounds(start, end)
        if not needle:
            return start if start <= end else -1
        for offset, window in self._windows(start, end, len(needle) - 1):
            found = window.find(needle)
            if found >= 0:
                return offset + found
        return -1

    def rfind(self, sub, start=None, end=None):
        needle = self._needle(sub, "rfind")
        start, end = self._bounds(start, end)
        if not needle:
            return end if start <= end else -1
        stop = end
        while stop > start:
            low = max(start, stop - _RLM_LAZY_READ)
            window = self._read(low, min(end, stop + len(needle) - 1))
            found = window.rfind(needle)
            if found >= 0:
                return low + found
            stop = low
        return -1

    def index(self, sub, start=None, end=None):
        found = self.find(sub, start, end)
        if found < 0:
            raise ValueError("substring not found")
        return found

    def rindex(self, sub, start=None, end=None):
        found = self.rfind(sub, start, end)
        if found < 0:
            raise ValueError("substring not found")
        return found

    def count(self, sub, start=None, end=None):
        needle = self._needle(sub, "count")
        start, end = self._bounds(start, end)
        if not needle:
            return max(0, end - start) + 1 if start <= end else 0
        # Each window holds the matches that start in it whole. A needle without a border never
        # overlaps itself, so bytes.count is exact; one with a border ("aa", "\n\n") is counted
        # match by match, carrying where the last one ended into the next window.
        overlapping = _rlm_self_overlapping(needle)
        total, carry = 0, start
        for offset, window in self._windows(start, end, len(needle) - 1):
            if not overlapping:
                total += window.count(needle)
                continue
            at = window.find(needle, max(0, carry - offset))
            while 0 <= at < _RLM_LAZY_READ:
                total, carry = total + 1, offset + at + len(needle)
                at = window.find(needle, at + len(needle))
        return total

    def __contains__(self, sub):
        return self.find(sub) >= 0

    def startswith(self, prefix, start=None, end=None):
        start, end = self._bounds(start, end)
        prefixes = prefix if isinstance(prefix, tuple) else (prefix,)
        for item in prefixes:
            needle = self._needle(item, "startswith")
            if start + len(needle) <= end and self._read(start, start + len(needle)) == needle:
                return True
        return False

    def endswith(self, suffix, start=None, end=None):
        start, end = self._bounds(start, end)
        suffixes = suffix if isinstance(suffix, tuple) else (suffix,)
        for item in suffixes:
            needle = self._needle(item, "endswith")
            if end - len(needle) >= start and self._read(end - len(needle), end) == needle:
                return True
        return False

    # ------------------------------------------------------------ lines and pieces

    def splitlines(self, keepends=False):
        """The lines, read as they are iterated (split at "\\n"; a "\\r" before it is part of the ending)."""
        return _RlmLazyLines(self, keepends)

    def lines(self):
        return iter(_RlmLazyLines(self, False))

    def chunks(self, size=1_000_000, overlap=0):
        """Consecutive str pieces of about `size` bytes, each ending at a line end when one is in its
        last quarter and never inside a character; `overlap` bytes of each piece start the next."""
        size = _rlm_operator.index(size)
        overlap = _rlm_operator.index(overlap)
        if size <= 0 or not 0 <= overlap < size:
            raise ValueError("chunks(size, overlap) needs size > 0 and 0 <= overlap < size")
        if size > _RLM_LAZY_MAX_TEXT:
            raise MemoryError(self._too_large(size, "a piece of"))
        start = 0
        while start < self._size:
            stop = min(self._size, start + size)
            data = self._read(start, stop)
            if stop < self._size:
                newline = data.rfind(b"\n", len(data) - len(data) // 4)
                cut = newline + 1 if newline >= 0 else _rlm_whole_chars(data)
                data, stop = data[:cut], start + cut
            yield _rlm_lazy_decode(data)
            if stop >= self._size:
                return
            start = stop - overlap + _rlm_next_char(self._read(stop - overlap, stop), 0) if overlap else stop

    # ------------------------------------------------------------ regular expressions

    def finditer(self, pattern, flags=0):
        """re.finditer over the whole text, read a window at a time; spans count bytes. A match that
        reaches the end of its window is looked for again in a window twice as long, up to
        _RLM_LAZY_MAX_TEXT: only a match longer than that is cut."""
        compiled = _rlm_compile_for(pattern, flags)
        position, span = 0, _RLM_LAZY_MATCH_SPAN
        while True:
            window_start = max(0, position - _RLM_LAZY_BEHIND)
            window_stop = min(self._size, position + _RLM_LAZY_READ + span)
            data = self._read(window_start, window_stop)
            offsets = _RlmOffsets(data, window_start)
            final = window_stop >= self._size
            last = window_stop if final else position + _RLM_LAZY_READ
            next_position, widen = last, False
            for match in compiled.finditer(offsets.text, offsets.char_of(_rlm_next_char(data, position - window_start))):
                begin = offsets.byte_of(match.start())
                if begin >= last and not final:
                    break
                if match.end() == len(offsets.text) and not final and 2 * span <= _RLM_LAZY_MAX_TEXT:
                    next_position, widen = begin, True  # it may go on past the window: look again
                    break
                yield _RlmLazyMatch(match, offsets, compiled)
                end = offsets.byte_of(match.end())
                next_position = max(next_position, end if end > begin else end + 1)
            if final and not widen:
                return
            position, span = next_position, 2 * span if widen else _RLM_LAZY_MATCH_SPAN

    def findall(self, pattern, flags=0):
        found = []
        for match in self.finditer(pattern, flags):
            groups = match.groups("")
            found.append(match.group() if not groups else groups[0] if len(groups) == 1 else groups)
        return found

    def search(self, pattern, flags=0):
        return next(self.finditer(pattern, flags), None)

    def match(self, pattern, flags=0):
        compiled = _rlm_compile_for(pattern, flags)
        offsets = _RlmOffsets(self._read(0, _RLM_LAZY_MATCH_SPAN), 0)
        found = compiled.match(offsets.text)
        return None if found is None else _RlmLazyMatch(found, offsets, compiled)


def _rlm_compile_for(pattern, flags):
    if isinstance(pattern, _rlm_re.Pattern):
        if isinstance(pattern.pattern, bytes):
            raise TypeError("a lazy context is text: use a str pattern, not a bytes one")
        return pattern
    if not isinstance(pattern, str):
        raise TypeError("first argument must be string or compiled pattern")
    return _rlm_re.compile(pattern, flags)


class _RlmOffsets:
    """A window's text and the map from its character positions to byte offsets in the context.
    Invalid UTF-8 decodes to lone surrogates (surrogateescape), so every byte maps back exactly."""

    __slots__ = ("text", "_data", "_base", "_ascii", "_char", "_byte")

    def __init__(self, data, base):
        self._data, self._base = data, base
        try:  # one pass for the common case; isascii() first would be a second pass over the bytes
            self.text, self._ascii = data.decode("ascii"), True
        except UnicodeDecodeError:
            self.text, self._ascii = data.decode("utf-8", "surrogateescape"), False
        self._char, self._byte = 0, 0

    def byte_of(self, char):
        if self._ascii:
            return self._base + char
        if char < self._char:
            self._char, self._byte = 0, 0
        self._byte += len(self.text[self._char:char].encode("utf-8", "surrogateescape"))
        self._char = char
        return self._base + self._byte

    def char_of(self, byte):
        """The character that starts at byte `byte` of the window."""
        if self._ascii:
            return byte
        return len(self._data[:byte].decode("utf-8", "surrogateescape"))


class _RlmLazyMatch:
    """A match in a lazy context: the groups of the real match, spans in bytes of the context."""

    __slots__ = ("_match", "_offsets", "re")

    def __init__(self, match, offsets, compiled):
        self._match, self._offsets, self.re = match, offsets, compiled

    def group(self, *groups):
        return self._match.group(*groups)

    def __getitem__(self, group):
        return self._match[group]

    def groups(self, default=None):
        return self._match.groups(default)

    def groupdict(self, default=None):
        return self._match.groupdict(default)

    def start(self, group=0):
        at = self._match.start(group)
        return -1 if at < 0 else self._offsets.byte_of(at)

    def end(self, group=0):
        at = self._match.end(group)
        return -1 if at < 0 else self._offsets.byte_of(at)

    def span(self, group=0):
        return self.start(group), self.end(group)

    def expand(self, template):
        return self._match.expand(template)

    @property
    def lastindex(self):
        return self._match.lastindex

    @property
    def lastgroup(self):
        return self._match.lastgroup

    def __repr__(self):
        return "<re.Match object; span=" + repr(self.span()) + ", match=" + repr(self.group()) + ">"


class _RlmLazyLines:
    """context.splitlines() of a lazy context: iterable (read as it goes), len() and [i] scan."""

    __slots__ = ("_text", "_keepends")

    def __init__(self, text, keepends):
        self._text, self._keepends = text, keepends

    def __iter__(self):
        carry = b""
        for _, window in self._text._windows(0, self._text._size, 0):
            data = carry + window if carry else window
            start = 0
            while True:
                newline = data.find(b"\n", start)
                if newline < 0:
                    break
                yield self._line(data[start:newline + 1])
                start = newline + 1
            carry = data[start:]
        if carry:
            yield self._line(carry)

    def _line(self, data):
        if not self._keepends:
            data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
        return _rlm_lazy_decode(data)

    def __len__(self):
        text = self._text
        if text._size == 0:
            return 0
        return text.count("\n") + (0 if text.endswith("\n") else 1)

    def __getitem__(self, key):
        if isinstance(key, slice):
            if (key.start or 0) >= 0 and (key.stop is None or key.stop >= 0) and (key.step or 1) > 0:
                return list(_rlm_itertools.islice(self, key.start, key.stop, key.step))
            return list(self)[key]
        index = _rlm_operator.index(key)
        if index < 0:
            index += len(self)
        found = next(_rlm_itertools.islice(self, index, None), None) if index >= 0 else None
        if found is None:
            raise IndexError("list index out of range")
        return found

    def __repr__(self):
        return "<lines of a lazy context: iterate them, or take a slice: lines[:100]>"


def _rlm_load_lazy(plan):
    """plan: {"kind": "str" | "list" | "dict", "variable", "keys" (dict only), "parts": [{"source",
    "bytes", "name"}]}. Binds LazyText objects; no byte of the text is read."""
    started = time.perf_counter()  # noqa: F821 - driver.py's import
    _rlm_check_variable(plan["variable"])  # noqa: F821
    _rlm_count_replaced.count = 0  # noqa: F821
    parts = [LazyText(part["source"], part["bytes"], part.get("name")) for part in plan["parts"]]
    kind = plan["kind"]
    lengths = [part["bytes"] for part in plan["parts"]]
    info = {"variable": plan["variable"], "type": kind, "totalChars": sum(lengths), "partLengths": lengths,
            "lazy": True}
    if kind == "str":
        value = parts[0]
    elif kind == "list":
        value = parts
    else:
        value = dict(zip(plan["keys"], parts))
        info["keys"] = list(plan["keys"])
    return _rlm_bound(plan["variable"], value, info, started)  # noqa: F821


def _rlm_patch_re():
    """re.search / match / fullmatch / findall / finditer / split / sub / subn accept a lazy context."""
    def patched(name, string_at):
        original = getattr(_rlm_re, name)

        @_rlm_functools.wraps(original)
        def call(*args, **kwargs):
            text = args[string_at] if len(args) > string_at else kwargs.get("string")
            if not isinstance(text, LazyText):
                return original(*args, **kwargs)
            flags = kwargs.get("flags", 0)
            if name in ("finditer", "findall", "search", "match"):
                if len(args) > 2:
                    flags = args[2]
                return getattr(text, name)(args[0], flags)
            if text._size > _RLM_LAZY_MAX_TEXT:
                raise MemoryError("re." + name + " needs the whole context as one str; "
                                  + text._too_large(text._size, "the context's"))
            args = list(args)
            if len(args) > string_at:
                args[string_at] = str(text)
            else:
                kwargs["string"] = str(text)
            return original(*args, **kwargs)

        call._rlm_original = original
        return call

    for name, string_at in (("search", 1), ("match", 1), ("fullmatch", 1), ("findall", 1),
                            ("finditer", 1), ("split", 1), ("sub", 2), ("subn", 2)):
        if not hasattr(getattr(_rlm_re, name), "_rlm_original"):
            setattr(_rlm_re, name, patched(name, string_at))


_rlm_patch_re()
