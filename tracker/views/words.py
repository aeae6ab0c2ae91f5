"""Dates in words, for readers: an EDTF string as a person would say it.

``words("2022-03-12")`` is "12 March 2022", ``words("2023-09/2024-01")`` "between September 2023
and January 2024". Only the way a date is *written* changes: the words say no more and no less
than the EDTF (a month stays a month; we never pick a day inside it). Machine outputs (JSON, CSV)
keep the EDTF; only outputs for readers (Markdown, the terminal tables, TimelineJS) use words.

Pure and standard library only (``tracker.quick`` renders the status table with it).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from tracker.core.dates import MAX_DAY, MIN_DAY, bounds

__all__ = ["day_words", "when", "words"]

SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
QUALIFIERS = {"~": "about {}", "?": "possibly {}", "%": "about {} (uncertain)"}
_PLAIN = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2})"
    r"(?:T(?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(?:\.[0-9]+)?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
    r"(?P<q>[?~%]?)"
)


def day_words(iso: str) -> str:
    """A plain ISO day (``YYYY-MM-DD``) in words: ``12 March 2022``."""
    d = date.fromisoformat(iso)
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _single(text: str) -> str:
    """One date (not an interval) in words."""
    match = _PLAIN.fullmatch(text)
    if match is None:
        return _vague(text)
    bounds(text)  # refuses what is not a real date (month 13, 30 February), as the store does
    year, month, day, qualifier = match["y"], match["m"], match["d"], match["q"]
    if month is None:
        said = str(int(year))
    elif int(month) in SEASONS:
        season = SEASONS[int(month)]
        said = f"{season} {int(year)}-{(int(year) + 1) % 100:02d}" if season == "winter" else f"{season} {int(year)}"
    elif day is None:
        said = f"{calendar.month_name[int(month)]} {int(year)}"
    else:
        said = day_words(f"{year}-{month}-{day}")
    if match["time"] is not None:
        zone = match["zone"]
        clock = match["time"].removesuffix(":00") if len(match["time"]) == 8 else match["time"]  # 19:00, not 19:00:00
        said += f", {clock}" + ("" if zone is None else " (UTC)" if zone == "Z" else f" (UTC{zone})")
    return QUALIFIERS[qualifier].format(said) if qualifier else said


def _vague(text: str) -> str:
    """The rarer EDTF forms (``201X``, sets, partial qualification), said by their bounds."""
    low, high = bounds(text)
    if low == high:
        return day_words(low)
    first, last = date.fromisoformat(low), date.fromisoformat(high)
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return str(first.year) if first.year == last.year else f"between {first.year} and {last.year}"
    return f"between {day_words(low)} and {day_words(high)}"


def words(edtf: str) -> str:
    """An EDTF date in words: ``2022-03`` "March 2022", ``2022-23`` "autumn 2022", ``2022~``
    "about 2022", ``2022?`` "possibly 2022", ``2023-09/2024-01`` "between September 2023 and
    January 2024", ``../2024-01`` "by January 2024", ``2023-09/..`` "from September 2023",
    ``2022-04-02T19:00+03:00`` "2 April 2022, 19:00 (UTC+03:00)". Raises DateError on a string
    that is not an EDTF date the tracker accepts (``tracker.core.dates.bounds``)."""
    low, high = bounds(edtf)
    if "/" in edtf and not edtf.startswith(("[", "{")):
        start, _, end = edtf.partition("/")
        if start in ("", ".."):
            return f"by {_single(end)}"
        if end in ("", ".."):
            return f"from {_single(start)}"
        return f"between {_single(start)} and {_single(end)}"
    if low == MIN_DAY and high == MAX_DAY:
        return "date unknown"
    return _single(edtf)


def when(edtf: str | None, default: str = "-") -> str:
    """``words`` of a date that may be absent (``default`` then)."""
    return default if edtf is None or edtf == "" else words(edtf)
