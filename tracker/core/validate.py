"""Validation: turning input lines into events, and deciding whether the log accepts a batch.

``parse_line`` turns one JSON line into an event or an ``InputError`` naming the field.
``decide`` checks a batch against what the log already holds (``Known``) and returns the
events to append; it is pure, the store gathers ``Known`` for it. Replay never raises;
refusals happen here, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from tracker.core.dates import bounds
from tracker.core.events import (
    ID_PATTERN,
    KINDS,
    SLUG_PATTERN,
    Amended,
    Event,
    Floated,
    Retracted,
    event_body,
    parse_event,
    parse_event_json,
)
from tracker.core.upcast import check_version, upcast
from tracker.errors import ConflictError, InputError, RuleError

MAX_LINE_BYTES = 1_000_000
MAX_DIAGNOSE_BYTES = 16 * MAX_LINE_BYTES


@dataclass(frozen=True, slots=True)
class Line:
    """An event with the place it came from."""

    number: int | None
    event: Event
    body: str
    file: str | None = None


@dataclass
class Known:
    """What the log already holds that bears on a batch (gathered by the store)."""

    bodies: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    floated: set[str] = field(default_factory=set)
    retracted: set[str] = field(default_factory=set)
    this_batch: set[str] = field(default_factory=set)


def _field(error: ValidationError, text: str | bytes = "") -> tuple[str | None, str]:
    first = error.errors(include_url=False)[0]
    loc = [str(p) for p in first["loc"]]
    kind = first["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "type", "unknown or missing event kind; expected one of the kinds in the README"
    if kind == "json_invalid":
        if isinstance(text, bytes):
            try:
                text.decode("utf-8")
            except UnicodeDecodeError as exc:
                return None, f"not valid UTF-8 (byte {text[exc.start]:#04x} at column {exc.start + 1})"
        return None, f"malformed JSON ({first['msg'].removeprefix('Invalid JSON: ')})"
    if kind in ("model_attributes_type", "dict_type", "model_type") and not loc:
        return None, "expected a JSON object (one event per line)"
    if loc and loc[0] in KINDS:
        loc = loc[1:]
    for tag in ("function-after[_derive(), ", "function-after["):
        loc = [p for p in loc if not p.startswith(tag)]
    message = first["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "string_pattern_mismatch" and first["ctx"].get("pattern") == SLUG_PATTERN:
        message = (
            "must not be empty"
            if first["input"] == ""
            else f"{first['input']!r} is not a slug (lowercase letters, digits, single hyphens)"
        )
    elif kind == "string_pattern_mismatch" and first["ctx"].get("pattern") == ID_PATTERN:
        message = f"{first['input']!r} is not a valid id (letters, digits, . _ : -; at most 128)"
    elif kind == "model_type":
        message = "expected a JSON object"
    return (".".join(loc) or None), message


def parse_line(text: str | bytes, number: int | None = None, file: str | None = None) -> Line:
    """Parse one JSON document into an event; raise InputError naming the line and field.

    A line may carry ``"schema_version"`` (an older format); it is upcast to today's. Lines
    up to ``MAX_DIAGNOSE_BYTES`` are parsed to name the field that is too long; anything over
    ``MAX_LINE_BYTES`` is refused either way.
    """
    if len(text) > MAX_DIAGNOSE_BYTES:
        raise InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=file, line=number)
    try:
        event = _event(text)
    except ValidationError as exc:
        name, message = _field(exc, text)
        raise InputError(message, file=file, line=number, field=name) from None
    except InputError as exc:
        raise exc.located(file=file, line=number) from None
    if len(text) > MAX_LINE_BYTES:
        raise InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=file, line=number)
    return Line(number, event, event_body(event), file)


def _event(text: str | bytes) -> Event:
    tagged = b'"schema_version"' in text if isinstance(text, bytes) else '"schema_version"' in text
    if tagged:
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            obj = None  # let the JSON parser below name the problem
        if isinstance(obj, dict) and "schema_version" in obj:
            version = obj.pop("schema_version")
            return parse_event(upcast(obj, check_version(version)))
    return parse_event_json(text)


def _check_dates(line: Line) -> None:
    event = line.event
    if event.reported is not None and bounds(event.occurred).earliest > bounds(event.reported).latest:
        raise InputError(
            f"occurred {event.occurred!r} is after reported {event.reported!r}",
            line=line.number,
            file=line.file,
            field="occurred",
        )


def decide(batch: Sequence[Line], known: Known) -> list[Line]:
    """The lines of a batch to append (already-recorded identical events are skipped).

    Raises on the first line the log refuses: a duplicate id in the batch, an id already
    used for a different event, a non-floated event for a proposal not floated in the log
    or earlier in the batch, or a correction of an unknown, already retracted or
    mismatched event.
    """
    seen: dict[str, int | None] = dict.fromkeys(known.this_batch)
    floated = set(known.floated)
    kinds = dict(known.kinds)
    retracted = set(known.retracted)
    out: list[Line] = []
    for line in batch:
        event, eid = line.event, line.event.event_id
        if eid in seen:
            where = f"line {seen[eid]}" if seen[eid] is not None else "this batch"
            raise ConflictError(
                f"duplicate event id {eid!r} (also on {where})", line=line.number, file=line.file, field="id"
            )
        seen[eid] = line.number
        _check_dates(line)
        if eid in known.bodies:
            if known.bodies[eid] != line.body:
                raise ConflictError(
                    f"id {eid!r} already names a different event in the log",
                    line=line.number,
                    file=line.file,
                    field="id",
                )
            continue
        if event.proposal not in floated and not isinstance(event, Floated):
            raise RuleError(
                f"proposal {event.proposal!r} has never been floated; append its 'floated' event first",
                line=line.number,
                file=line.file,
                field="proposal",
            )
        if isinstance(event, Floated):
            floated.add(event.proposal)
        if isinstance(event, Retracted | Amended):
            try:
                _check_correction(event, kinds, retracted, line.number)
            except RuleError as exc:
                raise exc.located(file=line.file) from None
            if isinstance(event, Retracted):
                retracted.add(event.target)
        kinds[eid] = (event.type, event.proposal)
        out.append(line)
    return out


def _check_correction(
    event: Retracted | Amended, kinds: dict[str, tuple[str, str]], retracted: set[str], number: int | None
) -> None:
    target = kinds.get(event.target)
    if target is None:
        raise RuleError(f"{event.type} names unknown event {event.target!r}", line=number, field="target")
    if event.target in retracted:
        raise RuleError(f"event {event.target!r} is already retracted", line=number, field="target")
    if target[1] != event.proposal:
        raise RuleError(
            f"event {event.target!r} belongs to proposal {target[1]!r}, not {event.proposal!r}",
            line=number,
            field="proposal",
        )
    if isinstance(event, Amended):
        if target[0] in ("retracted", "amended"):
            raise RuleError(
                f"a correction cannot amend another correction ({event.target!r})", line=number, field="target"
            )
        if event.replacement.proposal != event.proposal:
            raise RuleError(
                "the replacement must keep the proposal of the event it amends",
                line=number,
                field="replacement.proposal",
            )
