"""The fields of each kind, and how a field is written as text.

Command options (``tracker add --addressee ukraine``), ``--set field=value`` and spreadsheet
cells give every value as text. This module says which fields a kind has and turns such text
into the JSON value the event model validates, the same way for every input that is not JSON:

- a list of parties (``addressees``, ``co_proposers``, ...): slugs separated by ``;`` (or ``,``);
- ``deadlines``: ``what | due`` pairs separated by ``;``;
- ``sources``: one source per item in the form of ``citation.parse``;
- every other field: the text itself (the model checks dates, slugs and choices).
"""

from __future__ import annotations

import re
import typing
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from tracker.core import citation, suggest
from tracker.core.events import WORLD, Amended, Deadline, Retracted, Source

Shape = Literal["text", "list", "deadlines", "sources", "event"]
ORDER = ("type", "proposal", "actor", "person", "occurred", "reported", "note")
"""The fields every kind has, in the order a reader expects them (then the kind's own fields)."""
_ITEMS = re.compile(r"\s*[;,]\s*")
_ENTRIES = re.compile(r"\s*;\s*")


class FieldError(ValueError):
    """A value given as text that cannot be a value of its field."""


@cache
def models() -> dict[str, type[BaseModel]]:
    """The event model of each kind, by kind."""
    out: dict[str, type[BaseModel]] = {}
    for model in (*typing.get_args(WORLD), Retracted, Amended):
        (kind,) = typing.get_args(model.model_fields["type"].annotation)
        out[kind] = model
    return out


@cache
def fields(kind: str) -> dict[str, Shape]:
    """The fields a kind has (``type`` first, the common ones, then its own), with their shape."""
    model = models()[kind]
    names = [*ORDER, *(n for n in model.model_fields if n not in ORDER and n != "id"), "id"]
    return {name: _shape(model.model_fields[name].annotation) for name in names}


def _shape(annotation: Any) -> Shape:
    args = tuple(a for a in typing.get_args(annotation) if a is not type(None))
    if len(args) == 1 and typing.get_origin(args[0]) is tuple:  # an optional list
        annotation, args = args[0], typing.get_args(args[0])
    if typing.get_origin(annotation) is tuple:
        item = args[0]
        return "deadlines" if item is Deadline else "sources" if item is Source else "list"
    if args and all(isinstance(a, type) and issubclass(a, BaseModel) for a in args):
        return "event"  # a union of event models: an amendment's replacement
    return "text"


def required_fields(kind: str) -> tuple[str, ...]:
    """The fields a kind cannot do without."""
    model = models()[kind]
    return tuple(n for n in fields(kind) if model.model_fields[n].is_required())


def value(kind: str, name: str, text: str) -> Any:
    """The JSON value of field ``name`` of ``kind``, written as ``text`` (see the module doc)."""
    shape = fields(kind).get(name)
    if shape is None:
        hint = suggest.hint(name, fields(kind))
        raise FieldError(f"{kind} has no field {name!r}{hint}; its fields are {', '.join(fields(kind))}")
    if shape == "list":
        return [item for item in _ITEMS.split(text.strip()) if item]
    if shape == "deadlines":
        return [deadline(item) for item in _ENTRIES.split(text.strip()) if item]
    if shape == "sources":
        return [source(text)]
    if shape == "event":
        raise FieldError(f"{name} is a whole event: give it as JSON or YAML, not as text")
    return text


def deadline(text: str) -> dict[str, str]:
    """A deadline written ``what | due`` (``withdrawal of forces | 2025-01-26``)."""
    what, bar, due = text.rpartition("|")
    if not bar or not what.strip() or not due.strip():
        raise FieldError(f"a deadline is written 'what | due' (withdrawal | 2025-01-26), not {text!r}")
    return {"what": what.strip(), "due": due.strip()}


def source(text: str) -> dict[str, Any]:
    """A source written on one line (see ``tracker.core.citation``)."""
    try:
        return citation.parse(text)
    except citation.CitationError as exc:
        raise FieldError(str(exc)) from None


def as_text(kind: str, name: str, data: Any) -> str:
    """The text form of a field's JSON value (``value`` reads it back), for cells and templates."""
    shape = fields(kind).get(name, "text")
    if shape == "list":
        return "; ".join(data)
    if shape == "deadlines":
        return "; ".join(f"{d['what']} | {d['due']}" for d in data)
    if shape == "sources":
        return "; ".join(citation.format_source(s) for s in data)
    return str(data)
