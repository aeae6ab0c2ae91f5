"""The export format, read back: backup and transfer of a log with its chain intact.

``tracker export`` writes one line per stored row::

    {"seq":1,"recorded_at":"2024-05-01T09:00:00.000000Z","hash":"<64 hex>","event":{...}}

``read_export`` turns such lines into ``Entry`` values for ``Store.restore``, checking as it
goes that ``seq`` counts 1, 2, 3, ..., that the event is in the canonical stored form, and
that every ``hash`` is the SHA-256 chain link of the one before. Anything else is refused with
the line named, before the store writes a row. An optional ``schema_version`` key (default:
the current one) allows exports of an older format to carry it.

Every column of a line is held to what the store itself would have written (``_entry``), since
a restored row is trusted from then on (``verify`` checks the chain, and every later append
takes its recording time from the last row): ``seq`` an integer counting from 1,
``recorded_at`` a real UTC instant in the store's fixed format, never earlier than the row
before and never later than now, ``schema_version`` an integer this tracker reads, ``hash``
64 lowercase hex digits, the event valid and in canonical form. Lines are parsed through
``tracker.jsonin`` (bounded nesting, no lone surrogates). One bad line refuses the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from tracker.core import jsonin
from tracker.core.chain import GENESIS, link
from tracker.core.events import SCHEMA_VERSION, canonical_json, event_body, parse_event
from tracker.core.upcast import check_version, upcast
from tracker.core.validate import MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES, Line
from tracker.errors import InputError, TrackerError
from tracker.store import clock

_KEYS = {"seq", "recorded_at", "hash", "event"}
RECORDED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
"""The one form the store writes a recording time in (``clock.stamp``), ASCII digits only."""
EARLIEST = "1970-01-01T00:00:00.000000Z"
"""No row can have been recorded before the clocks it was stamped with began."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of an export, checked: its place, its recording time, its hash and its event."""

    seq: int
    recorded_at: str
    schema_version: int
    prev_hash: str
    hash: str
    line: Line


def is_export(first_line: str | bytes) -> bool:
    """True if a JSONL line looks like a row of ``tracker export`` rather than a bare event."""
    try:
        obj = jsonin.loads(first_line)
    except InputError:
        return False
    return isinstance(obj, dict) and _KEYS <= obj.keys()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_recorded_at(value: object, now: str) -> str:
    """A recording time as the store writes it, between ``EARLIEST`` and ``now``; InputError otherwise."""
    if not isinstance(value, str) or RECORDED_AT.fullmatch(value) is None:
        raise InputError(
            f"recorded_at {value!r} is not a recording time; expected YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC)",
            field="recorded_at",
        )
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise InputError(f"recorded_at {value!r} is not a real date and time", field="recorded_at") from None
    if not EARLIEST <= value <= now:
        raise InputError(
            f"recorded_at {value} is outside {EARLIEST[:10]} .. now ({now}): a row cannot be recorded "
            "before that or in the future",
            field="recorded_at",
        )
    return value


def _event(raw: Any, schema_version: int) -> tuple[Any, str]:
    """The event of a row and its stored body (canonical JSON of the event as exported)."""
    body = canonical_json(raw)
    if schema_version == SCHEMA_VERSION:
        event = parse_event(raw)
        if event_body(event) != body:
            raise InputError("the event is not in the canonical stored form (was the export edited?)", field="event")
        return event, body
    if not isinstance(raw, dict):
        raise InputError("the event must be a JSON object", field="event")
    return parse_event(upcast(dict(raw), schema_version)), body


def _entry(obj: Any, number: int, file: str | None, prev: str, seq: int, now: str) -> Entry:
    def refuse(message: str, name: str | None = None) -> InputError:
        return InputError(message, file=file, line=number, field=name)

    if not isinstance(obj, dict) or not _KEYS <= obj.keys() or not obj.keys() <= _KEYS | {"schema_version"}:
        raise refuse("not an export row (expected the keys seq, recorded_at, hash, event; schema_version optional)")
    if not _is_int(obj["seq"]) or obj["seq"] != seq:
        raise refuse(f"seq {obj['seq']!r} where {seq} was expected: rows are missing or out of order", "seq")
    schema_version = obj.get("schema_version", SCHEMA_VERSION)
    if not isinstance(obj["hash"], str):  # a string of another form fails the comparison below
        raise refuse(f"hash {obj['hash']!r} is not a string of 64 lowercase hex digits", "hash")
    try:
        recorded_at = check_recorded_at(obj["recorded_at"], now)
        schema_version = check_version(schema_version)
        event, body = _event(obj["event"], schema_version)
    except TrackerError as exc:
        raise exc.located(file=file, line=number) from None
    except ValidationError as exc:
        raise refuse(f"the event is not valid: {exc.errors(include_url=False)[0]['msg']}", "event") from None
    digest = link(prev, seq, recorded_at, schema_version, body)
    if obj["hash"] != digest:
        raise refuse(f"hash does not match: the chain is broken at seq {seq} (edited, inserted or reordered)", "hash")
    return Entry(seq, recorded_at, schema_version, prev, digest, Line(number, event, body))


def read_export(
    lines: Iterable[tuple[int, str | bytes]], file: str | None = None, *, now: str | None = None
) -> Iterator[Entry]:
    """Parse and check numbered export lines lazily; raise InputError naming the first bad line.

    ``now`` (default: ``clock.now()``) is the latest recording time a row may carry.
    """
    now = now if now is not None else clock.now()
    prev, seq, last_at = GENESIS, 0, ""
    for number, raw in lines:
        if len(raw) > MAX_DIAGNOSE_BYTES:
            raise InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=file, line=number)
        if not raw.strip():
            continue
        try:
            obj = jsonin.loads(raw)
        except InputError as exc:
            raise exc.located(file=file, line=number) from None
        seq += 1
        entry = _entry(obj, number, file, prev, seq, now)
        if entry.recorded_at < last_at:
            raise InputError(
                f"recorded_at {entry.recorded_at} goes back in time (the row before says {last_at})",
                file=file,
                line=number,
                field="recorded_at",
            )
        prev, last_at = entry.hash, entry.recorded_at
        yield entry
