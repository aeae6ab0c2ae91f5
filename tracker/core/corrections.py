"""Corrections built from the stored event: ``amend --set field=value`` and ``retract``.

An amendment's replacement is the event as it now stands (after earlier amendments) with the
fields named changed, keeping its id; a retraction names the event. The correction's own
``actor`` and ``occurred`` come from the caller (the editor and today by default). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.core import fields, suggest
from tracker.core.dates import bounds
from tracker.core.drafts import check_kind
from tracker.core.events import KINDS
from tracker.core.replay import Record, effective, retracted_ids
from tracker.errors import InputError, NotFoundError, RuleError

WORLD_KINDS = tuple(k for k in KINDS if k not in ("retracted", "amended"))
LISTS = ("list", "deadlines", "sources")


def amended(current: Mapping[str, Any], sets: Sequence[str]) -> dict[str, Any]:
    """The replacement: ``current`` with each ``field=value`` (``field+=value`` adds to a list;
    ``field=`` clears it) applied, values read by ``fields.value``."""
    if not sets:
        raise InputError("say what to change: --set field=value (repeatable)")
    out = dict(current)
    pairs = [_pair(text) for text in sets]
    for name, _, text in sorted(pairs, key=lambda p: p[0] != "type"):  # the kind first: it decides the fields
        kind = out["type"]
        if name in ("id", "proposal"):
            raise InputError(f"--set {name}: an amendment keeps the event's {name}; retract it and add a new one")
        if name == "type":
            check_kind(text, WORLD_KINDS)
            out["type"] = text
            continue
        if name not in fields.fields(kind):
            near = suggest.hint(name, fields.fields(kind))
            raise InputError(f"--set {name}: {kind} has no field {name!r}{near}; its fields are {_settable(kind)}")
    for name, adding, text in pairs:
        if name != "type":
            _apply(out, name, adding, text)
    if "sources" in {p[0] for p in pairs} and _derived_reported(current):
        out.pop("reported", None)  # it was the earliest source's day: derive it again from the new sources
    if out == dict(current):
        raise InputError("nothing to change: the event already holds these values")
    return out


def _pair(text: str) -> tuple[str, bool, str]:
    name, eq, value = text.partition("=")
    if not eq or not name.strip():
        raise InputError(f"--set takes field=value (or field+=value to add to a list), not {text!r}")
    adding = name.endswith("+")
    return name.rstrip("+").strip().replace("-", "_"), adding, value.strip()


def _apply(out: dict[str, Any], name: str, adding: bool, text: str) -> None:
    kind = out["type"]
    shape = fields.fields(kind)[name]
    if adding and shape not in LISTS:
        raise InputError(f"--set {name}+=: {name} is not a list; write --set {name}=VALUE")
    if not text and not adding:
        out.pop(name, None)
        return
    try:
        value = fields.value(kind, name, text)
    except fields.FieldError as exc:
        raise InputError(f"--set {name}: {exc}") from None
    out[name] = [*out.get(name, ()), *value] if adding else value


def _settable(kind: str) -> str:
    return ", ".join(n for n in fields.fields(kind) if n not in ("id", "proposal"))


def _derived_reported(event: Mapping[str, Any]) -> bool:
    sources = event.get("sources") or ()
    if not sources or event.get("reported") is None:
        return False
    return bool(event["reported"] == min((s["published"] for s in sources), key=bounds))


def correction(
    kind: str,
    target: Mapping[str, Any],
    *,
    reason: str,
    actor: str,
    occurred: str,
    replacement: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``retracted`` or ``amended`` event of ``target`` (a stored event), by ``actor`` on ``occurred``."""
    event: dict[str, Any] = {
        "type": kind,
        "proposal": target["proposal"],
        "actor": actor,
        "occurred": occurred,
        "target": target["id"],
        "reason": reason,
    }
    if replacement is not None:
        event["replacement"] = {"id": target["id"], **replacement}  # an id changed by hand is refused
    return event


@dataclass(frozen=True)
class Found:
    """An event of the log: as recorded, as it now stands (None once retracted) and what retracted it."""

    original: dict[str, Any]
    current: dict[str, Any] | None
    retracted_by: str | None


def find(stream: Sequence[Record], eid: str) -> Found | None:
    """Event ``eid`` in its proposal's stream (append order), with the corrections applied."""
    original = next((r.event for r in stream if r.id == eid), None)
    if original is None:
        return None
    cancelled = retracted_ids(stream)
    retracted_by = None
    if eid in cancelled:
        retracted_by = next(r.id for r in reversed(stream) if r.kind == "retracted" and r.event["target"] == eid
                            and r.id not in cancelled)  # fmt: skip
    current = next((r.event for r in effective(stream) if r.id == eid), None)
    return Found(original, current, retracted_by)


def check_target(found: Found | None, eid: str, kind: str, near: str) -> Found:
    """Refuse a correction of an event the log lacks (``near``: the closest ids), or one retracted."""
    if found is None:
        raise NotFoundError(f"no event {eid!r} in the log{near}")
    if found.retracted_by is not None:
        if kind == "retracted":
            raise RuleError(f"event {eid!r} is already retracted (by {found.retracted_by!r})")
        raise RuleError(f"event {eid!r} is retracted (by {found.retracted_by!r}): there is nothing to amend")
    if kind == "amended" and found.original["type"] in ("retracted", "amended"):
        raise RuleError(
            f"event {eid!r} is a correction ({found.original['type']}): amend the event it corrects, "
            f"{found.original['target']!r}"
        )
    return found
