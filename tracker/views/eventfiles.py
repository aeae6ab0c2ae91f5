"""Events as the files analysts open: CSV, one row each, and YAML, a list of mappings.

Both hold the events only (no ``seq``, ``recorded_at`` or ``hash``: JSONL is the backup) and
both read back through ``tracker import`` into the same events with the same ids. The CSV
columns are ``tracker.core.rows``'s; a CSV export refuses, before writing anything, an event
that a cell cannot hold exactly (then export it as YAML or JSONL).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from tracker.core import citation, rows
from tracker.core.fields import fields
from tracker.errors import InputError

Events = Callable[[], Iterable[Mapping[str, Any]]]
"""A function giving the events afresh: a CSV export reads them twice (to learn its columns, then to write)."""


def csv_text(events: Events) -> Iterator[str]:
    """The events as CSV: a header line, then one row per event (``\\r\\n`` line ends)."""
    for event in events():
        try:
            rows.row_of_event(event)
        except ValueError as exc:
            raise InputError(f"event {event.get('id')!r}: {exc}; export it as yaml or jsonl", field="format") from None
    header = rows.header(events())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for event in events():
        row = rows.row_of_event(event)
        writer.writerow([row.get(column, "") for column in header])
        if out.tell() > 1 << 16:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def yaml_text(events: Events) -> Iterator[str]:
    """The events as one YAML list, an event a mapping in the order of its fields, a blank line between."""
    import yaml

    dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper  # the same text, faster
    for number, event in enumerate(events()):
        item = yaml.dump([ordered(event)], Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
        yield item if number == 0 else "\n" + item


def ordered(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event's fields in the order a reader expects (``fields``), empty lists left out (the default)."""
    kind = event["type"]
    names = [*fields(kind), *(n for n in event if n not in fields(kind))]
    out: dict[str, Any] = {}
    for name in names:
        if name not in event or (event[name] == [] and name != "co_proposers"):
            continue
        data = event[name]
        if name == "sources":
            data = [{part: s[part] for part in citation.PARTS if part in s} for s in data]
        elif name == "replacement":
            data = ordered(data)
        out[name] = data
    return out
