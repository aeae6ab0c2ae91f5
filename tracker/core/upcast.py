"""Upcasters: event bodies of older schema versions brought up to today's, one step at a time.

``SCHEMA_VERSION`` (in ``events``) is the shape the models read. Each upcaster turns a body
of version ``n`` into version ``n + 1`` as a plain dict, so a body of any older version
reaches the current one through the chain. Stored bodies are never rewritten (the log is
append-only and hash-chained): a stored row keeps its ``schema_version`` and is upcast each
time it is read. An imported line may carry ``"schema_version"``; it is upcast before
validation and stored in today's form.

Version 0 is the pre-release draft format, kept readable so that its files still import:
``kind`` for ``type``, ``party`` for ``actor``, ``date`` for ``occurred``, ``published`` for
``reported``, and in sources ``headline`` for ``title`` and ``date`` for ``published``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from tracker.core import jsonin
from tracker.core.events import SCHEMA_VERSION, Event, parse_event, parse_event_json
from tracker.errors import InputError, StoreError

Body = dict[str, Any]

_V0_EVENT = {"kind": "type", "party": "actor", "date": "occurred", "published": "reported"}
_V0_SOURCE = {"headline": "title", "date": "published"}


def _renamed(body: Body, names: dict[str, str]) -> Body:
    for old, new in names.items():
        if old in body and new in body:
            raise InputError(f"both the old name {old!r} and the new {new!r} given", field=new)
    return {names.get(key, key): value for key, value in body.items()}


def _v0_to_v1(body: Body) -> Body:
    """The pre-release draft: renamed fields, in the event, its sources and an amendment's replacement."""
    out = _renamed(body, _V0_EVENT)
    if isinstance(out.get("sources"), list):
        out["sources"] = [_renamed(s, _V0_SOURCE) if isinstance(s, dict) else s for s in out["sources"]]
    if isinstance(out.get("replacement"), dict):
        out["replacement"] = _v0_to_v1(out["replacement"])
    return out


UPCASTERS: dict[int, Callable[[Body], Body]] = {0: _v0_to_v1}
"""``UPCASTERS[n]`` turns a version-``n`` body into version ``n + 1``; one entry per older version."""


def check_version(version: object) -> int:
    """The schema version as an int this tracker can read; InputError otherwise."""
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version <= SCHEMA_VERSION:
        raise InputError(
            f"unknown schema version {version!r}; this tracker reads versions 0 to {SCHEMA_VERSION}",
            field="schema_version",
        )
    return version


def upcast(body: Body, version: int) -> Body:
    """A body of ``version`` turned into a body of today's ``SCHEMA_VERSION``."""
    for step in range(check_version(version), SCHEMA_VERSION):
        body = UPCASTERS[step](body)
    return body


def load(body: str, version: int) -> Event:
    """A stored body of any known version as an event (today's bodies take the fast path)."""
    if version == SCHEMA_VERSION and type(version) is int:
        try:
            return parse_event_json(body)
        except ValidationError as exc:  # only an edited database holds one (verify names the row)
            first = exc.errors(include_url=False)[0]
            raise StoreError(f"a stored event is not valid: {first['msg']} (run tracker verify)") from None
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(
            f"the log holds an event of schema version {version!r}, which no tracker writes; "
            "the database was edited (run tracker verify)"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the log holds an event of schema version {version}, newer than this tracker reads "
            f"(0 to {SCHEMA_VERSION}); upgrade tracker"
        )
    try:
        obj = jsonin.loads(body)
    except InputError as exc:
        raise StoreError(f"a stored event of schema version {version} is not readable: {exc.message}") from None
    if not isinstance(obj, dict):
        raise StoreError(f"a stored event of schema version {version} is not a JSON object")
    try:
        return parse_event(upcast(obj, version))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise StoreError(f"a stored event is not valid: {first['msg']} (run tracker verify)") from None
