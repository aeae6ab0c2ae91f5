"""JSON from outside the process, read one way: the one guarded parse of user input and stored text.

Every JSON document the tracker did not just write itself (a line of an import or of stdin,
a row of an export being restored, a stored body that ``verify`` decodes) is parsed here, so
that a hostile document meets one set of limits and one kind of error:

- nesting deeper than ``MAX_DEPTH`` is refused before any recursive parser sees it (the
  standard library raises ``RecursionError`` at ~1,000 levels; an event nests four);
- a UTF-8 byte order mark at the start of a line is skipped (editors on Windows write one);
- bytes that are not UTF-8 are named by the byte and column;
- ``NaN``, ``Infinity``, integers beyond 64 bits and lone surrogates are refused (orjson's
  strict reading; none of them can be stored or hashed as text);
- an object that repeats a key is refused, naming the key (every parser here keeps the last
  value silently; ``duplicate_key`` finds it exactly, and runs only on the lines a cheap scan
  cannot clear);
- every failure is one ``InputError`` (``JsonError``), never a traceback.

Lines are split on ``\\n`` only, by every reader (files, stdin): U+2028, U+0085 and form
feeds inside a JSON string are text wherever the input came from. Every reader reads them
through ``numbered_lines``, in bounded chunks: a line over the limit is refused while it is
read, so a 1 GB file with no newline costs one chunk of memory, not two gigabytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

import orjson

from tracker.errors import InputError

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (an amended event with sources nests 4)."""
BOM = "\ufeff"
_BRACKETS = re.compile(rb"[\[\]{}\"\\]")
_KEY = re.compile(rb'"([^"\\]*)"[ \t\r\n]*:')


class JsonError(InputError):
    """A document that is not one well-formed, reasonably shallow JSON value."""


def strip_bom(text: str | bytes) -> str | bytes:
    """The text without a leading UTF-8 byte order mark."""
    if isinstance(text, bytes):
        return text[3:] if text.startswith(b"\xef\xbb\xbf") else text
    return text[1:] if text.startswith(BOM) else text


def depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings ignored)."""
    deepest = level = 0
    in_string, escaped_at = False, -1
    for match in _BRACKETS.finditer(data):
        char, at = match[0], match.start()
        if in_string:
            if at == escaped_at:
                continue
            if char == b"\\":
                escaped_at = at + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        elif char in (b"]", b"}"):
            level -= 1
    return deepest


def _utf8(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"not valid UTF-8 (byte {text[exc.start]:#04x} at column {exc.start + 1})") from None
        return text
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JsonError(f"not valid UTF-8 (a lone surrogate at column {exc.start + 1})") from None


def too_deep(text: str | bytes) -> bool:
    """True if the document nests arrays and objects deeper than ``MAX_DEPTH``."""
    opening = text.count(b"[") + text.count(b"{") if isinstance(text, bytes) else text.count("[") + text.count("{")
    if opening <= MAX_DEPTH:  # the common line: it cannot nest deeper than it has brackets
        return False
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return depth(data) > MAX_DEPTH


def check(text: str | bytes) -> bytes:
    """The document as UTF-8 bytes, BOM removed, if it may be parsed; JsonError if too deep or not UTF-8."""
    data = _utf8(strip_bom(text))
    if too_deep(data):
        raise JsonError(f"malformed JSON (recursion limit exceeded: nested deeper than {MAX_DEPTH} levels)")
    return data


def loads(text: str | bytes) -> Any:
    """Parse one JSON document under the limits above; raise JsonError (an InputError) otherwise."""
    data = check(text)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise JsonError(f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    refuse_duplicates(data)
    return value


class _Repeated(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _distinct(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


def duplicate_key(text: str | bytes) -> str | None:
    """The first key an object of this JSON text repeats, or None (None too if it is not JSON at all).

    A text whose keys, as a byte scan finds them, are all different cannot repeat one, unless a
    key is written with escapes (``"typ\\u0065"``): only texts with a repeated key string or a
    backslash are parsed again, by the standard library, with a hook that sees every pair.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if b"\\" not in data:
        keys = _KEY.findall(data)
        if len(keys) == len(set(keys)):
            return None
    try:
        json.loads(data, object_pairs_hook=_distinct)
    except _Repeated as repeated:
        return repeated.key
    except (ValueError, RecursionError):  # not JSON: the parse that matters says why
        return None
    return None


def refuse_duplicates(text: str | bytes) -> None:
    """JsonError naming the key if an object of the text repeats one (its value would be ambiguous)."""
    key = duplicate_key(text)
    if key is not None:
        raise JsonError(f"duplicate key {key!r} in one JSON object (which value is meant is ambiguous)")


def numbered_lines(
    stream: IO[bytes], file: str | None, limit: int, shown: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """The lines of a byte stream, numbered from 1, each read in one chunk of at most ``limit + 1``
    bytes: a longer line is refused (JsonError naming ``file``, the line and the limit ``shown``,
    by default ``limit``) before more of it is read."""
    for number, raw in enumerate(iter(lambda: stream.readline(limit + 1), b""), start=1):
        if len(raw) > limit:
            raise JsonError(f"line longer than {shown or limit} bytes", file=file, line=number)
        yield number, raw
