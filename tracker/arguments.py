"""What a user types or pipes in, checked before a command opens anything (the CLI's input edge).

Each check refuses with one ``InputError`` line naming the option and what is accepted:

- ``--as-recorded``: ``today``, ``YYYY`` or ``YYYY-MM`` (the end of that year or month), ``YYYY-MM-DD``
  (the end of that day, UTC) or ``YYYY-MM-DDTHH:MM[:SS[.ffffff]]``
  with an optional ``Z`` or ``+HH:MM``/``-HH:MM``; ASCII digits only, a real instant whose UTC
  time falls in years 1000-9999 (the store writes recording times as four-digit years, and the
  clock cannot place an offset past the calendar's ends). ISO week dates (``2024-W01-1``), a
  zone on a bare day (``2024-01-01Z``) and doubled zones are refused, not guessed at;
- ``TRACKER_WORKERS``: a whole number from 1 to the number of cores;
- ``search``: at most ``MAX_SEARCH_WORDS`` words and ``MAX_SEARCH_CHARS`` characters;
- stdin: read as bytes and split on ``\\n`` only, every line bounded while it is read.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import BinaryIO

from tracker.core.jsonin import numbered_lines
from tracker.core.validate import MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES
from tracker.errors import InputError

_AS_RECORDED = re.compile(
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
MAX_SEARCH_WORDS = 64
MAX_SEARCH_CHARS = 1_000


def check_as_recorded(text: str) -> str:
    """An ``--as-recorded`` value the clock reads exactly; InputError naming the accepted forms otherwise."""
    from tracker.core.dates import DateError, asked_moment

    try:
        read = asked_moment(text, "2000-01-01")  # today, a month, a year: read as a day (any today is valid)
    except DateError as exc:
        raise InputError(str(exc), field="as_recorded") from None
    if read.reading is not None and read.day >= "1000":  # recording times are written as four-digit years
        return text
    match = _AS_RECORDED.fullmatch(text)
    if match is None:
        raise InputError(
            f"{text!r} is not a recording time; expected YYYY-MM-DD, YYYY-MM (its end), YYYY (its end), today, "
            "or YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]",
            field="as_recorded",
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    except (ValueError, OverflowError):
        raise InputError(f"{text!r} is not a real date and time", field="as_recorded") from None
    if not 1000 <= utc.year <= 9999 or not 1000 <= moment.year:
        raise InputError(
            f"{text!r} is outside the years 1000-9999 that recording times are written in", field="as_recorded"
        )
    return text


def check_workers(setting: str | None) -> None:
    """``TRACKER_WORKERS``, if set: a whole number of processes from 1 to the number of cores."""
    if setting is None or not setting.strip():
        return
    cores = os.cpu_count() or 1
    value = setting.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= cores:
        raise InputError(
            f"TRACKER_WORKERS must be a whole number from 1 to {cores} (the cores here), not {setting!r}",
            field="TRACKER_WORKERS",
        )


def check_search(text: str) -> None:
    """A search query small enough to answer quickly (matching is not linear in its words)."""
    words = len(text.split())
    if words > MAX_SEARCH_WORDS or len(text) > MAX_SEARCH_CHARS:
        raise InputError(
            f"a search of {words} word(s) and {len(text)} characters is too long: at most {MAX_SEARCH_WORDS} "
            f"words and {MAX_SEARCH_CHARS} characters",
            field="text",
        )


def stdin_lines(stream: BinaryIO) -> list[tuple[int, bytes]]:
    """The non-blank lines of a byte stream, numbered, split on ``\\n`` only; a line longer than
    the limit is refused while it is read, never held whole."""
    return [(n, raw) for n, raw in numbered_lines(stream, "<stdin>", MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES) if raw.strip()]
