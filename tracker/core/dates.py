"""Vague dates: EDTF (ISO 8601-2) strings and their earliest and latest possible day.

A date in the tracker is an EDTF string as the user wrote it (``2024-01-15``, ``2024-01``,
``2023-23`` for autumn 2023, ``2023-09/2024-01``, ``2022~``). Questions are answered
against two plain days derived from it: the earliest and the latest day it can mean.
We never pick a midpoint.

The plain ISO forms, seasons, ``?``/``~``/``%`` on a whole date and intervals of those are
parsed here with regular expressions (microseconds); rarer forms (unspecified digits such
as ``201X``, sets such as ``[2022-03-28,2022-03-29]``, partial qualification) go to the
``edtf`` package, which is correct but slow (~50-90 parses/s), so it is imported lazily
and every result is cached.

Rules we chose where the ``edtf`` package surprises (see DOMAIN.md §6.3):
- seasons 21-24 are northern: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, and
  winter is Dec of that year to Feb of the next (``edtf`` says December only);
- ``?`` and ``~`` widen a date by one unit of its precision on each side (``2022~`` is
  2021-01-01..2023-12-31, ``2024-03~`` is Feb..Apr 2024, ``2024-03-10?`` is 9..11 March);
  ``%`` (both) widens by two units;
- an unknown interval end (``2022-03-29/``) or an open one (``2022-03-29/..``) reaches
  9999-12-31, an unknown or open start 0001-01-01 (``edtf`` pads by ten years, which would
  silently count the event as certainly over).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

MIN_DAY = "0001-01-01"
MAX_DAY = "9999-12-31"

_SEASONS = {21: (3, 5, 0), 22: (6, 8, 0), 23: (9, 11, 0), 24: (12, 2, 1)}
# ASCII digits only: ``\d`` would also match Arabic-Indic (٢٠٢٥) and fullwidth (２０２５) digits.
_PLAIN = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2})"
    r"(?:T(?P<H>[0-9]{2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?"
    r"(?:Z|[+-](?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?)?)?)?"
    r"(?P<q>[?~%]?)"
)


class DateError(ValueError):
    """A string that is not an EDTF date the tracker can place on the calendar."""


class Bounds(NamedTuple):
    """The earliest and latest day a vague date can mean, as ISO strings (sortable)."""

    earliest: str
    latest: str


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int, text: str) -> None:
    if year < 1:
        raise DateError(f"year 0 is not a calendar year: {text!r}")


def _check_time(match: re.Match[str], text: str) -> None:
    limits = {"H": 23, "M": 59, "S": 59, "zh": 14, "zm": 59}
    if any(match[k] is not None and int(match[k]) > top for k, top in limits.items()):
        raise DateError(f"not a real time of day: {text!r}")


def _plain(text: str) -> tuple[date, date] | None:
    """Bounds of a plain, seasonal or qualified single date; None if not of that form."""
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    year = int(match["y"])
    _check_year(year, text)
    _check_time(match, text)
    widen = {"": 0, "?": 1, "~": 1, "%": 2}[match["q"]]
    try:
        if match["m"] is None:
            return date(max(1, year - widen), 1, 1), date(min(9999, year + widen), 12, 31)
        month = int(match["m"])
        if month in _SEASONS:
            if widen:
                raise DateError(f"a season cannot be qualified with ?, ~ or %: {text!r}")
            first, last, next_year = _SEASONS[month]
            return date(year, first, 1), _month_end(year + next_year, last)
        if not 1 <= month <= 12:
            raise DateError(f"month {month:02d} is neither a month (01-12) nor a season (21-24): {text!r}")
        if match["d"] is None:
            low = _add_months(year, month, -widen)
            high = _add_months(year, month, widen)
            return date(low[0], low[1], 1), _month_end(*high)
        day = date(year, month, int(match["d"]))
        return day - timedelta(days=widen), day + timedelta(days=widen)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"not a real calendar date: {text!r}") from None


FORMS = "write a day 2024-11-26, a month 2024-11, a year 2024, an interval 2024-09/2024-11 or about 2024~"
"""The forms a user most needs, named in every refusal of a date."""


def _library(text: str) -> tuple[date, date]:
    """The rare forms, through the (slow) edtf package; fuzzy bounds where it has them."""
    import edtf  # noqa: PLC0415 - lazy: importing edtf costs ~100 ms

    try:
        parsed = edtf.parse_edtf(text)
        low, high = parsed.lower_fuzzy(), parsed.upper_fuzzy()
    except Exception:  # the library raises several unrelated types on bad input
        raise DateError(f"not an EDTF date: {text!r}; {FORMS}") from None
    if not isinstance(low, tuple) or not isinstance(high, tuple):
        raise DateError(f"not an EDTF date the tracker can bound: {text!r}")
    if low[0] < 1 or high[0] > 9999:
        raise DateError(f"year outside 0001-9999: {text!r}")
    return date(low[0], low[1], low[2]), date(high[0], high[1], high[2])


def _side(text: str, open_value: date) -> tuple[date, date]:
    if text in ("", ".."):
        return open_value, open_value
    plain = _plain(text)
    return plain if plain is not None else _library(text)


@lru_cache(maxsize=65536)
def bounds(text: str) -> Bounds:
    """Earliest and latest possible day of an EDTF date; raises DateError if it is not one."""
    if not isinstance(text, str) or not text or len(text) > 64 or text != text.strip() or not text.isascii():
        raise DateError(f"not an EDTF date: {text!r}; {FORMS}")
    if "/" in text and not text.startswith(("[", "{")):
        start_text, _, end_text = text.partition("/")
        if "/" in end_text or (start_text in ("", "..") and end_text in ("", "..")):
            raise DateError(f"not an EDTF date: {text!r}; {FORMS}")
        start = _side(start_text, date(1, 1, 1))
        end = _side(end_text, date(9999, 12, 31))
        if start[0] > end[1]:
            raise DateError(f"interval ends before it starts: {text!r}")
        return Bounds(start[0].isoformat(), end[1].isoformat())
    if text.startswith("Y") or re.match(r"-?[0-9]{5}", text):
        raise DateError(f"years beyond 9999 are not supported: {text!r}")
    plain = _plain(text)
    low, high = plain if plain is not None else _library(text)
    return Bounds(low.isoformat(), high.isoformat())


def day(text: str) -> str:
    """A plain ISO day (YYYY-MM-DD) for a question such as ``--on``; raises DateError otherwise."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise DateError(f"expected a day as YYYY-MM-DD, got {text!r}")


# -- the days and times a question is asked at (``--on``, ``--known-by``, ``--as-recorded``) --------

_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
ASKED_FORMS = "YYYY-MM-DD, YYYY-MM (its end), YYYY (its end), today, or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]"
"""The forms every time option takes, as the errors and the help name them."""


class Asked(NamedTuple):
    """A time option read: the plain day it is judged on and, when the text was not that day
    itself, how it was read ("end of 2024-11", "today", "2022-04-02T19:00+03:00 is 16:00 UTC")."""

    day: str
    reading: str | None


def _end_of(text: str) -> Asked | None:
    """A year or a month, read as its last day; None if the text is neither."""
    if _YEAR.fullmatch(text):
        if text == "0000":
            raise DateError(f"year 0 is not a calendar year: {text!r}")
        return Asked(f"{text}-12-31", f"end of {text}")
    match = _MONTH.fullmatch(text)
    if match is None:
        return None
    year, month = int(match["y"]), int(match["m"])
    if year < 1 or not 1 <= month <= 12:
        raise DateError(f"not a real month: {text!r} (expected {ASKED_FORMS})")
    return Asked(_month_end(year, month).isoformat(), f"end of {text}")


def asked_day(text: str, today: str) -> Asked:
    """The day an ``--on`` or ``--known-by`` value is judged on: a day as given; ``today`` (the
    clock's, passed in); a month or a year at its end; a date-time on its UTC day (the rules place
    events by day, so an instant is judged at the end of its UTC day). DateError otherwise."""
    if text == "today":
        return Asked(today, "today")
    if _DAY.fullmatch(text):
        return Asked(day(text), None)
    ended = _end_of(text)
    if ended is not None:
        return ended
    if _DATE_TIME.fullmatch(text):
        utc = _utc(text)
        return Asked(utc.date().isoformat(), f"{text}, judged at the end of its UTC day")
    raise DateError(f"expected {ASKED_FORMS}; got {text!r}")


def asked_moment(text: str, today: str) -> Asked:
    """An ``--as-recorded`` value as the clock reads it: ``today``, a month or a year become their
    last day (whose end the clock takes); a day or a date-time is kept as given."""
    if text == "today":
        return Asked(today, "today")
    ended = _end_of(text)
    return ended if ended is not None else Asked(text, None)


def _utc(text: str) -> datetime:
    """A date-time (naive means UTC) as a UTC datetime; DateError if it is not a real one."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise DateError(f"not a real date and time: {text!r}") from None
    if not 1 <= moment.year <= 9999:
        raise DateError(f"outside the years 1-9999: {text!r}")
    return moment


def future(text: str, now: str) -> str | None:
    """The note for a question asked about a day after today (``now`` the clock's instant), or
    None. A month or a year that holds today is not the future (only its end is); compared by
    UTC day, so a later hour of today is not the future either."""
    today = now[:10]
    try:
        read = asked_day(text, today)
    except DateError:
        return None
    first = read.day
    if read.reading is not None and read.reading.startswith("end of "):
        first = (text + "-01-01")[:10]  # 2024 -> 2024-01-01, 2024-11 -> 2024-11-01
    if first <= today:
        return None
    return f"{text} is in the future: the answer holds only what is recorded by now ({today})"
