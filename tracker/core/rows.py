"""A spreadsheet row as an event, and an event as a row: the pure mapping behind CSV import and export.

A row maps column names to cell text. ``type`` names the kind; every other column is a field of
the kind named like the JSON field (``addressees``, ``deadlines``, ``target``, ...), its cell read
by ``fields.value`` and written by ``fields.as_text``. An empty cell is absent. Sources come in
numbered columns: ``source1``, ``source2``, ... each one source in the one-line form of
``citation`` (``Outlet | Title | published | url | attribution | quote``), or the same source
in part columns (``source1_outlet``, ``source1_title``, ``source1_published``, ``source1_url``,
``source1_attribution``, ``source1_quote``). An amendment's ``replacement`` is a JSON object.

A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) is
written with a leading apostrophe, which spreadsheets show as text; reading takes one leading
apostrophe off a cell that starts with one of those or with a second apostrophe, so an export
reads back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from tracker.core import citation, codec, jsonin, suggest
from tracker.core.events import KINDS
from tracker.core.fields import ORDER, FieldError, as_text, fields, models, value
from tracker.core.validate import MAX_LIST
from tracker.errors import InputError

_SOURCE = re.compile(rf"source([1-9][0-9]*)(?:_({'|'.join(citation.PARTS)}))?")
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")
SOURCE_COLUMNS = "source1, source2, ... (or source1_outlet, source1_title, source1_published, ...)"


@cache
def field_columns() -> tuple[str, ...]:
    """Every column named after a field of some kind: the common fields, each kind's own, ``id`` last."""
    names = dict.fromkeys(ORDER)
    for kind in KINDS:
        names.update(dict.fromkeys(n for n in fields(kind) if n not in ("sources", "id")))
    names["id"] = None
    return tuple(names)


def source_column(name: str) -> tuple[int, str | None] | None:
    """``(n, part)`` for ``sourceN`` (part None) or ``sourceN_part``; None for any other column."""
    match = _SOURCE.fullmatch(name)
    if match is None or int(match[1]) > MAX_LIST:
        return None
    return int(match[1]), match[2]


def check_header(header: Iterable[str]) -> None:
    """Refuse a header naming a column twice or a column that is no field of any kind (``field``: it),
    and a first line that is no header at all (no ``type`` column)."""
    header = list(header)
    if "type" not in header:
        unknown = [n for n in header if n and n not in field_columns() and source_column(n) is None]
        hint = f" ({unknown[0]!r} is not a column)" if unknown else ""
        raise InputError(
            "the first line must be the header naming the columns (type, proposal, actor, occurred, ...), "
            f"and it has no 'type' column{hint}"
        )
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            raise InputError(f"column {name!r} appears twice in the header", field=name)
        seen.add(name)
        if name and name not in field_columns() and source_column(name) is None:
            raise InputError(
                f"unknown column {name!r}; the columns are {', '.join(field_columns())}, and {SOURCE_COLUMNS}",
                field=name,
            )


@dataclass(frozen=True, slots=True)
class Row:
    """An event read from a row, and the column each of its sources came from (to name it in errors)."""

    event: dict[str, Any]
    source_columns: tuple[str, ...]

    def column(self, field: str | None) -> str | None:
        """The column a field of the event came from (``sources.1.url`` -> ``source2_url`` or ``source2``)."""
        if field is None or not field.startswith("sources."):
            return field
        index, _, part = field.removeprefix("sources.").partition(".")
        if not index.isdigit() or int(index) >= len(self.source_columns):
            return field
        column = self.source_columns[int(index)]  # "source2" (whole) or "source2_" (in parts)
        return column + part if column.endswith("_") and part else column.rstrip("_")


def event_of_row(cells: Mapping[str, str]) -> Row | None:
    """The event a row holds (None for a blank row); InputError naming the column otherwise."""
    present = {name: unescape(text) for name, text in cells.items() if text.strip()}
    if not present:
        return None
    kind = present.pop("type", "").strip()
    if not kind:
        raise InputError(f"every row needs a type: one of {', '.join(KINDS)}", field="type")
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", field="type")
    own = fields(kind)
    event: dict[str, Any] = {"type": kind}
    sources: dict[int, dict[str, str]] = {}
    whole: dict[int, str] = {}
    for name, text in present.items():
        if not name:
            raise InputError("a value in a column with no name in the header", field=None)
        place = source_column(name)
        if place is not None:
            number, part = place
            if part is None:
                whole[number] = text
            else:
                sources.setdefault(number, {})[part] = text.strip()  # as the parts of a one-line source
        elif name not in own:
            named = ", ".join(n if n != "sources" else "source1, source2, ..." for n in own)
            near = suggest.hint(name, own)
            raise InputError(f"{kind} has no field {name!r}{near}; its fields are {named}", field=name)
        elif own[name] == "event":
            event[name] = _replacement(text)
        else:
            try:
                event[name] = value(kind, name, text)
            except FieldError as exc:
                raise InputError(str(exc), field=name) from None
    columns = []
    listed = []
    for number in sorted({*whole, *sources}):
        if number in whole and number in sources:
            part = f"source{number}_{next(iter(sources[number]))}"
            raise InputError(f"source{number} is given whole and in parts ({part}): give one", field=part)
        if number in whole:
            try:
                listed.append(citation.parse(whole[number]))
            except citation.CitationError as exc:
                raise InputError(str(exc), field=f"source{number}") from None
            columns.append(f"source{number}")
        else:
            listed.append(sources[number])
            columns.append(f"source{number}_")
    if listed:
        event["sources"] = listed
    return Row(event, tuple(columns))


def _replacement(text: str) -> Any:
    try:
        obj = jsonin.loads(text)
    except InputError as exc:
        raise InputError(f"the replacement is an event as JSON: {exc.message}", field="replacement") from None
    if not isinstance(obj, dict):
        raise InputError("the replacement is an event as a JSON object {...}", field="replacement")
    return obj


def row_of_event(event: Mapping[str, Any]) -> dict[str, str]:
    """The row of an event (its JSON form); ValueError if a value would not read back the same."""
    kind = event["type"]
    row: dict[str, str] = {}
    for name, data in event.items():
        if name == "sources":
            for number, source in enumerate(data, start=1):
                row[f"source{number}"] = _checked(citation.format_source(source), source, citation.parse, name)
        elif name == "replacement":
            row[name] = codec.canonical(data)
        elif data == []:
            if models()[kind].model_fields[name].default is None:
                raise ValueError(f"field {name!r}: an empty list, which a cell cannot tell from an absent one")
            continue  # an empty list is the default: absent says the same
        elif name == "type":
            row[name] = data
        else:
            row[name] = _checked(as_text(kind, name, data), data, partial(value, kind, name), name)
    return {name: escape(text) for name, text in row.items()}


def escape(text: str) -> str:
    """A cell's text as written: with a leading apostrophe if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def unescape(text: str) -> str:
    """A cell's text as read: ``escape`` undone."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in _FORMULA else text


def _checked(text: str, data: Any, read: Callable[[str], Any], name: str) -> str:
    """``text``, if reading it back gives ``data``: an export never loses what a cell cannot say."""
    if not text.strip() or read(text) != data:
        raise ValueError(f"field {name!r}: {data!r} cannot be written as a cell that reads back the same")
    return text


def header(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The columns for these events (their rows): the field columns they use, then ``source1``, ...

    An empty list is never written (``row_of_event``), so it adds no column.
    """
    used: set[str] = set()
    most = 0
    for event in events:
        used.update(n for n, v in event.items() if n != "sources" and v != [])
        most = max(most, len(event.get("sources", ())))
    return [*(n for n in field_columns() if n in used), *(f"source{n}" for n in range(1, most + 1))]
