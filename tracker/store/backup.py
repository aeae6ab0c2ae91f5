"""The export format, read back: backup and transfer of a log with its chain intact.

``tracker export`` writes one line per stored row::

    {"seq":1,"recorded_at":"2024-05-01T09:00:00.000000Z","hash":"<64 hex>","event":{...}}

``read_export`` turns such lines into ``Entry`` values for ``Store.restore``, checking as it
goes that ``seq`` counts 1, 2, 3, ..., that the event is in the canonical stored form, and
that every ``hash`` is the SHA-256 chain link of the one before. Anything else is refused with
the line named, before the store writes a row. An optional ``schema_version`` key (default:
the current one) allows exports of a future format to carry it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tracker.core.events import SCHEMA_VERSION, canonical_json, event_body, parse_event
from tracker.core.validate import Line
from tracker.errors import InputError
from tracker.store.verify import GENESIS, link

_KEYS = {"seq", "recorded_at", "hash", "event"}


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
        obj = json.loads(first_line)
    except ValueError:
        return False
    return isinstance(obj, dict) and _KEYS <= obj.keys()


def _entry(obj: Any, number: int, file: str | None, prev: str, seq: int) -> Entry:
    def refuse(message: str, name: str | None = None) -> InputError:
        return InputError(message, file=file, line=number, field=name)

    if not isinstance(obj, dict) or not _KEYS <= obj.keys() or not obj.keys() <= _KEYS | {"schema_version"}:
        raise refuse("not an export row (expected the keys seq, recorded_at, hash, event)")
    if obj["seq"] != seq:
        raise refuse(f"seq {obj['seq']!r} where {seq} was expected: rows are missing or out of order", "seq")
    recorded_at, schema_version = obj["recorded_at"], obj.get("schema_version", SCHEMA_VERSION)
    if not isinstance(recorded_at, str) or not isinstance(schema_version, int):
        raise refuse("recorded_at must be a string and schema_version an integer", "recorded_at")
    try:
        event = parse_event(obj["event"])
    except ValidationError as exc:
        raise refuse(f"the event is not valid: {exc.errors(include_url=False)[0]['msg']}", "event") from None
    body = canonical_json(obj["event"])
    if event_body(event) != body:
        raise refuse("the event is not in the canonical stored form (was the export edited?)", "event")
    digest = link(prev, seq, recorded_at, schema_version, body)
    if obj["hash"] != digest:
        raise refuse(f"hash does not match: the chain is broken at seq {seq} (edited, inserted or reordered)", "hash")
    return Entry(seq, recorded_at, schema_version, prev, digest, Line(number, event, body))


def read_export(lines: Iterable[tuple[int, str | bytes]], file: str | None = None) -> Iterator[Entry]:
    """Parse and check numbered export lines lazily; raise InputError naming the first bad line."""
    prev, seq, last_at = GENESIS, 0, ""
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise InputError(f"malformed JSON ({exc})", file=file, line=number) from None
        seq += 1
        entry = _entry(obj, number, file, prev, seq)
        if entry.recorded_at < last_at:
            raise InputError("recorded_at goes back in time", file=file, line=number, field="recorded_at")
        prev, last_at = entry.hash, entry.recorded_at
        yield entry
