"""codec: orjson's text is the standard library's canonical text, byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core import codec

# Every code point a JSON string can hold, lone surrogates included (orjson refuses them:
# the codec must then fall back to the standard library, never fail or differ).
texts = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=30)
scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | texts
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=20
)


def _std_canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300)
@given(values)
def test_canonical_is_the_standard_librarys_text(obj: Any) -> None:
    assert codec.canonical(obj) == _std_canonical(obj)


@settings(max_examples=300)
@given(values)
def test_compact_keeps_insertion_order_like_the_standard_library(obj: Any) -> None:
    assert codec.compact(obj) == json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


small = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(small)
def test_loads_reads_back_what_the_standard_library_reads(obj: Any) -> None:
    text = _std_canonical(obj)
    assert codec.loads(text) == json.loads(text)


def test_loads_of_an_integer_beyond_64_bits_is_a_float_the_documented_limit() -> None:
    # Stored bodies hold no integers and states only small counts; this pins the limit down.
    assert codec.loads("18446744073709551616") == float(2**64)


def test_control_characters_and_line_separators_are_escaped_as_before() -> None:
    obj = {"b": "\x00\x1f\x7f\u2028\u2029\n\t\"\\/é😀", "a": [1, None, True]}
    assert codec.canonical(obj) == _std_canonical(obj)
    assert codec.loads('"\\ud800"') == "\ud800"  # a lone surrogate: orjson refuses, json reads it
