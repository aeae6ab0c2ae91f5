"""JSON in and out on the hot paths: orjson, byte for byte the standard library's forms.

Every event body is hashed, so its text is fixed: ``json.dumps(obj, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``. orjson writes exactly that text for the
values events hold (strings, integers, booleans, null, lists, objects with string keys)
about ten times faster; ``tests/test_codec.py`` checks the equality on arbitrary values.
Anything orjson refuses (a lone surrogate, an integer beyond 64 bits) goes through the
standard library instead, so the output never depends on which encoder ran.

``loads`` reads what the standard library reads, except integers beyond 64 bits, which
orjson reads as floats: stored bodies hold no integers (no event field is a number) and
stored states only small counts.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_SORTED = orjson.OPT_SORT_KEYS


def canonical(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the one serialisation we hash and store."""
    try:
        return orjson.dumps(obj, option=_SORTED).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compact(obj: Any) -> str:
    """Keys in insertion order, no spaces, UTF-8 as is (the projections' stored states)."""
    try:
        return orjson.dumps(obj).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    """Decode JSON (a stored body or state); the standard library's errors for what orjson refuses."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
