"""The dates of an agreement's terms: when obligations start and the first day they no longer hold.

Questions are answered for days (``--on D`` is judged at the end of day D, UTC), so every term
becomes a pair of days (earliest, latest), like any vague date:

- ``effective``, a day or an EDTF date: in force from its earliest .. latest day; a date-time
  with a UTC offset: in force from the UTC day of that instant (the evening before in Kyiv may
  already be the next day in UTC).
- ``ends``, a day: the last day in force, so the agreement is expired from the next day; a
  date-time: the instant it ends, so it is expired on the UTC day of that instant.
- ``duration`` (ISO 8601: ``P60D``, ``P2M``, ``PT72H``) counts from ``effective``: a vague
  effective gives a vague end, each bound moved by the duration (interval arithmetic).
Standard library only.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

from tracker.core.dates import MAX_DAY, Bounds, bounds

_DURATION = re.compile(
    r"P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?"
)


def instant(text: str) -> datetime | None:
    """The instant a date-time names, in its own offset (no offset: UTC); None for a day or an EDTF date."""
    if "T" not in text or "/" in text or text[-1] in "?~%":
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _written(moment: datetime) -> str:
    """A date-time as written in the terms: its own offset kept (``Z`` for UTC)."""
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        return date.max
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _add(d: date, duration: str) -> date:
    """A day moved by a duration's calendar part (years and months first, then weeks and days)."""
    match = _DURATION.fullmatch(duration)
    if match is None:
        raise ValueError(f"not a duration: {duration!r}")
    months = int(match["Y"] or 0) * 12 + int(match["M"] or 0)
    days = int(match["W"] or 0) * 7 + int(match["D"] or 0)
    seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    try:
        return _shift_months(d, months) + timedelta(days=days + seconds // 86400)
    except OverflowError:
        return date.max


def _add_instant(moment: datetime, duration: str) -> datetime:
    match = _DURATION.fullmatch(duration)
    if match is None:
        raise ValueError(f"not a duration: {duration!r}")
    months = int(match["Y"] or 0) * 12 + int(match["M"] or 0)
    shifted = _shift_months(moment.date(), months)
    days = int(match["W"] or 0) * 7 + int(match["D"] or 0)
    delta = timedelta(days=days, hours=int(match["h"] or 0), minutes=int(match["m"] or 0), seconds=int(match["s"] or 0))
    return datetime.combine(shifted, moment.timetz()) + delta


def _day(d: date) -> str:
    return MAX_DAY if d >= date(9999, 12, 31) else d.isoformat()


def _next(text: str) -> str:
    return MAX_DAY if text >= MAX_DAY else _day(date.fromisoformat(text) + timedelta(days=1))


def start(effective: str) -> Bounds:
    """The first day in force."""
    moment = instant(effective)
    if moment is not None:
        utc = moment.astimezone(UTC).date().isoformat()
        return Bounds(utc, utc)
    return bounds(effective)


def expiry_of_end(ends: str) -> Bounds:
    """The first day expired, from a scheduled end (a last day, or an instant)."""
    moment = instant(ends)
    if moment is not None:
        utc = moment.astimezone(UTC).date().isoformat()
        return Bounds(utc, utc)
    low, high = bounds(ends)
    return Bounds(_next(low), _next(high))


def expiry_after(effective: str, duration: str) -> Bounds:
    """The first day expired, ``duration`` after ``effective``."""
    moment = instant(effective)
    if moment is not None:
        end = _add_instant(moment, duration).astimezone(UTC).date()
        return Bounds(end.isoformat(), end.isoformat())
    low, high = bounds(effective)
    return Bounds(_day(_add(date.fromisoformat(low), duration)), _day(_add(date.fromisoformat(high), duration)))


def end_after(ends: str, duration: str) -> str:
    """A scheduled end moved later by ``duration`` (an instant stays an instant; a vague day stays vague)."""
    moment = instant(ends)
    if moment is not None:
        return _written(_add_instant(moment, duration))
    low, high = bounds(ends)
    moved = [_day(_add(date.fromisoformat(d), duration)) for d in (low, high)]
    return moved[0] if moved[0] == moved[1] else f"{moved[0]}/{moved[1]}"


def end_of(effective: str, duration: str) -> str:
    """The scheduled end (the last day in force, or the instant) of ``duration`` from ``effective``."""
    moment = instant(effective)
    if moment is not None:
        return _written(_add_instant(moment, duration))
    low, high = expiry_after(effective, duration)
    last = [_day(date.fromisoformat(d) - timedelta(days=1)) if d < MAX_DAY else MAX_DAY for d in (low, high)]
    return last[0] if last[0] == last[1] else f"{last[0]}/{last[1]}"


def spanning(a: Bounds, b: Bounds) -> Bounds:
    """The smallest pair of days covering both (a disputed end: either may hold)."""
    return Bounds(min(a.earliest, b.earliest), max(a.latest, b.latest))


def between(first: str, last: str) -> str:
    """An EDTF interval from the start of the end ``first`` to the end of the end ``last`` (two
    parties' different ends: either may hold). Each may itself be an interval or a set: the
    interval keeps the outer sides, so the text is always one interval, never ``a/b/c/d``."""
    start = first.partition("/")[0] if not first.startswith(("[", "{")) else ""
    end = last.rpartition("/")[2] if not last.startswith(("[", "{")) else ""
    if start in ("", ".."):
        start = bounds(first).earliest
    if end in ("", ".."):
        end = bounds(last).latest
    return f"{start}/{end}"
