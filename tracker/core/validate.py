"""Validation: turning input lines into events, and deciding whether the log accepts a batch.

``parse_line`` turns one JSON line into an event or an ``InputError`` naming the field.
``decide`` checks a batch against what the log already holds (``Known``) and returns the
events to append; it is pure, the store gathers ``Known`` for it. Replay never raises;
refusals happen here, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from tracker.core import jsonin, suggest
from tracker.core.dates import bounds
from tracker.core.events import (
    ID_PATTERN,
    KINDS,
    SLUG_PATTERN,
    Amended,
    Event,
    Floated,
    Retracted,
    WorldEvent,
    event_body,
    parse_event,
    parse_event_json,
)
from tracker.core.upcast import check_version, upcast
from tracker.errors import ConflictError, InputError, RuleError, TrackerError

MAX_LINE_BYTES = 1_000_000
MAX_DIAGNOSE_BYTES = 16 * MAX_LINE_BYTES
MAX_LIST = 100
"""At most this many addressees, mediators or sources in one event (or one replacement).

Every stored state holds the proposal's parties, once per piece of the projections: an event
with 10,000 addressees, restated 300 times, grew a database by 467 MB. The bundled corpus
uses at most 6. Past this, the event is refused (docs/reliability.md)."""


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
    this_batch: set[str] = field(default_factory=set)
    retracts: dict[str, str] = field(default_factory=dict)
    """Retraction id -> the id it retracts, for every retraction that bears on the batch's targets
    (those of them, of those retractions, and so on): a retraction of a retraction revives its target."""


def _field(error: ValidationError, text: str | bytes = "") -> tuple[str | None, str]:
    errors = error.errors(include_url=False)
    # A mistyped field name also leaves the field it meant missing: name the typo, it explains both.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in first["loc"]]
    kind = first["type"]
    if kind == "union_tag_not_found" and isinstance(first["input"], dict) and "kind" in first["input"]:
        return "kind", "unknown field 'kind': the field is 'type'"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = first["input"].get("type") if isinstance(first["input"], dict) else None
        return "type", suggest.unknown_kind(tag)
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
    # a replacement's kind tag is a step of pydantic's path, not a field the user wrote
    loc = [p for i, p in enumerate(loc) if not (p in KINDS and i and loc[i - 1] == "replacement")]
    for tag in ("function-after[_derive(), ", "function-after["):
        loc = [p for p in loc if not p.startswith(tag)]
    message = first["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = _unknown_field(first["loc"])
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


def _unknown_field(loc: tuple[int | str, ...]) -> str:
    """"unknown field", with the closest field and the fields taken where it was found (an event's,
    a replacement's or a source's)."""
    path = [str(p) for p in loc]
    name, owner = path[-1], path[:-1]
    if name == "kind":
        return "unknown field 'kind': the field is 'type'"
    if owner and owner[-1].isdigit() and len(owner) >= 2 and owner[-2] == "sources":
        return suggest.unknown_field(name, suggest.source_fields(), "a source")
    kinds = [p for p in owner if p in KINDS]
    if kinds and owner[-1] == kinds[-1]:  # the event's own field (or its replacement's)
        return suggest.unknown_field(name, suggest.fields_of(kinds[-1]), kinds[-1])
    return "unknown field"


def parse_line(text: str | bytes, number: int | None = None, file: str | None = None) -> Line:
    """Parse one JSON document into an event; raise InputError naming the line and field.

    A line may carry ``"schema_version"`` (an older format); it is upcast to today's. Lines
    up to ``MAX_DIAGNOSE_BYTES`` are parsed to name the field that is too long; anything over
    ``MAX_LINE_BYTES`` is refused either way.
    """
    if len(text) > MAX_DIAGNOSE_BYTES:
        raise InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=file, line=number)
    text = jsonin.strip_bom(text)
    if jsonin.too_deep(text):
        message = f"malformed JSON (recursion limit exceeded: nested deeper than {jsonin.MAX_DEPTH} levels)"
        raise InputError(message, file=file, line=number)
    try:
        jsonin.refuse_duplicates(text)  # pydantic's parser keeps the last value of a repeated key
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
        obj = jsonin.loads(text)  # the guarded parse: bounded nesting, one error
        if isinstance(obj, dict) and "schema_version" in obj:
            version = obj.pop("schema_version")
            return parse_event(upcast(obj, check_version(version)))
    return parse_event_json(text)


def _check_event(event: Event | WorldEvent, line: Line, prefix: str = "") -> None:
    """The rules every event obeys on its own, a replacement as much as any: it cannot have
    occurred after it was reported, and its lists are bounded (``MAX_LIST``)."""
    if event.reported is not None and bounds(event.occurred).earliest > bounds(event.reported).latest:
        raise InputError(
            f"occurred {event.occurred!r} is after reported {event.reported!r}",
            line=line.number,
            file=line.file,
            field=prefix + "occurred",
        )
    # (attributes read directly: pydantic answers a missing one slowly, through __getattr__)
    lists: dict[str, tuple[object, ...]] = {"sources": event.sources}
    if isinstance(event, Floated):
        lists.update(addressees=event.addressees, mediators=event.mediators)
    for name, items in lists.items():
        if len(items) > MAX_LIST:
            raise InputError(
                f"{len(items)} {name}: at most {MAX_LIST} are accepted in one event",
                line=line.number,
                file=line.file,
                field=prefix + name,
            )
    if isinstance(event, Amended):
        replacement = event.replacement
        _check_event(replacement, line, "replacement.")
        if replacement.event_id != event.target and replacement.event_id != _derived_id(replacement):
            raise RuleError(
                f"the replacement's id {replacement.event_id!r} is not the id of the event it amends "
                f"({event.target!r}): a replacement keeps that id; leave its id out or give {event.target!r}",
                line=line.number,
                file=line.file,
                field="replacement.id",
            )


def _derived_id(event: WorldEvent) -> str | None:
    """The id the event would have been given had it none (``EventBase._derive``)."""
    return parse_event(event.model_dump(mode="json", exclude={"id"}, exclude_none=True)).id


def _cancelled(eid: str, retracts: dict[str, str], by: dict[str, list[str]]) -> bool:
    """Whether ``eid`` is cancelled: retracted by a retraction that is not itself cancelled.

    As ``replay.retracted_ids`` decides it; iterative, so a long chain of retractions of
    retractions cannot exhaust the stack.
    """
    order, todo, seen = [], [eid], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        todo.extend(by.get(node, ()))
    verdict: dict[str, bool] = {}
    for node in reversed(order):  # retractions come after what they retract: settle them first
        verdict[node] = any(not verdict.get(r, False) for r in by.get(node, ()))
    return verdict[eid]


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
    retracts = dict(known.retracts)
    by: dict[str, list[str]] = {}
    for rid, target in retracts.items():
        by.setdefault(target, []).append(rid)
    out: list[Line] = []
    for line in batch:
        event, eid = line.event, line.event.event_id
        if eid in seen:
            where = f"line {seen[eid]}" if seen[eid] is not None else "this batch"
            raise ConflictError(
                f"duplicate event id {eid!r} (also on {where})", line=line.number, file=line.file, field="id"
            )
        seen[eid] = line.number
        _check_event(event, line)
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
                _check_correction(event, kinds, _cancelled(event.target, retracts, by), line.number)
            except RuleError as exc:
                raise exc.located(file=line.file) from None
            if isinstance(event, Retracted):
                retracts[eid] = event.target
                by.setdefault(event.target, []).append(eid)
        kinds[eid] = (event.type, event.proposal)
        out.append(line)
    return out


def _check_correction(
    event: Retracted | Amended, kinds: dict[str, tuple[str, str]], retracted: bool, number: int | None
) -> None:
    target = kinds.get(event.target)
    if target is None:
        raise RuleError(f"{event.type} names unknown event {event.target!r}", line=number, field="target")
    if retracted:
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


def decide_all(batch: Sequence[Line], known: Known, refused: Callable[[TrackerError], None]) -> list[Line]:
    """As ``decide``, but each line the log refuses goes to ``refused`` and is left out, and the lines
    after it are decided as if it were not there: an import reports every refused row at once.

    ``known`` is updated with the lines decided before each refused one (the store makes a fresh
    ``Known`` for every chunk); every line is decided once.
    """
    out: list[Line] = []
    rest = list(batch)
    while rest:
        try:
            return out + decide(rest, known)
        except TrackerError as exc:
            at = next((i for i, ln in enumerate(rest) if (ln.number, ln.file) == (exc.line, exc.file)), None)
            if at is None:
                raise
            refused(exc)
            for line in rest[:at]:  # what ``decide`` would have kept of them, and remembered
                event, eid = line.event, line.event.event_id
                known.this_batch.add(eid)
                if eid in known.bodies:
                    continue
                if isinstance(event, Floated):
                    known.floated.add(event.proposal)
                if isinstance(event, Retracted):
                    known.retracts[eid] = event.target
                known.kinds[eid] = (event.type, event.proposal)
                out.append(line)
            rest = rest[at + 1 :]
    return out
