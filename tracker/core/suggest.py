"""Did you mean: the names close to a mistyped one (an event kind, a field, a proposal slug).

Pure (standard library and the event models): the validator, the API and the shell
completion ask it; ``difflib`` does the matching, as ``git`` and ``argparse`` suggest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache
from typing import get_args

from tracker.core.events import KINDS, EventBase, Model, Source

SHOWN = 5
"""At most this many close matches are named in a message."""


def close(word: str, choices: Iterable[str], n: int = SHOWN, *, cutoff: float = 0.6, part: bool = True) -> list[str]:
    """The choices close to ``word``, closest first (difflib's ratio, at least ``cutoff``); with
    ``part``, a choice that contains the word counts as close too (a slug typed in part)."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)
    if word and part:
        found += [c for c in pool if word in c and c not in found]
    return found[:n]


def hint(word: str, choices: Iterable[str], *, quoted: bool = True, part: bool = True) -> str:
    """``" (did you mean 'x'?)"`` (or ``'x' or 'y'``; unquoted if not ``quoted``), or "" when nothing
    is close."""
    found = close(word, choices, n=3, part=part)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(c) if quoted else c for c in found) + "?)"


def _models(base: type[Model]) -> Iterable[type[Model]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _models(sub)


@cache
def fields_of(kind: str) -> tuple[str, ...]:
    """The fields an event of this kind takes (``type`` first), or () for an unknown kind."""
    for model in _models(EventBase):
        annotation = model.model_fields.get("type")
        if annotation is not None and get_args(annotation.annotation) == (kind,):
            return ("type", *(name for name in model.model_fields if name != "type"))
    return ()


def source_fields() -> tuple[str, ...]:
    """The fields a source takes."""
    return tuple(Source.model_fields)


def unknown_kind(tag: object) -> str:
    """The message for an event kind that is not one (or none): the closest kinds, then all of them."""
    if isinstance(tag, str):
        return f"unknown event kind {tag!r}{hint(tag, KINDS)}; the kinds are: {', '.join(KINDS)}"
    return f"unknown or missing event kind; the kinds are: {', '.join(KINDS)}"


def unknown_field(name: str, fields: tuple[str, ...], owner: str) -> str:
    """The message for a field the event (or source) does not take: the closest, then the fields."""
    if not fields:
        return "unknown field"
    return f"unknown field{hint(name, fields)}; {owner} takes: {', '.join(fields)}"
