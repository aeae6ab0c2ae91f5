"""One event for a reader: a field a line, in the order of ``fields.fields`` (``tracker add``,
``amend``, ``retract``, ``new``, ``edit``), and the JSON line of a stored event (``--json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tracker.core import citation, fields
from tracker.core.replay import Record
from tracker.views.text import lines


def event_text(event: Mapping[str, Any], seq: int | None = None, indent: str = "") -> str:
    """The event a field a line: ``kind  proposal`` then ``name: value``; a source a line."""
    head = f"{indent}{event['type']} {event['proposal']}" + (f" (seq {seq})" if seq is not None else "")
    out = [head]
    known = fields.fields(event["type"])
    width = max(len(n) for n in known) + 1
    for name in known:
        value = event.get(name)
        if name in ("type", "proposal") or value in (None, [], ()):
            continue
        if name == "sources":
            out += [f"{indent}  {'source:'.ljust(width)} {citation.format_source(s)}" for s in value]
        elif name == "replacement":
            out += [f"{indent}  replacement:", event_text(value, indent=indent + "    ")]
        else:
            out.append(f"{indent}  {(name + ':').ljust(width)} {fields.as_text(event['type'], name, value)}")
    return lines(out)


def record_json(rec: Record, dry_run: bool = False) -> str:
    """A stored event as one JSON line: ``seq``, ``recorded_at`` (null in a dry run) and the event."""
    row = {"seq": None if dry_run else rec.seq, "recorded_at": None if dry_run else rec.recorded_at, "event": rec.event}
    return json.dumps(row, ensure_ascii=False)
