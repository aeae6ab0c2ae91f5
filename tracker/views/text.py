"""Rendering answers for people (plain-text tables) and machines (JSON with stable keys).

Standard library only: ``tracker.quick`` renders the same answers (``replay.Answer``, read from
the ``intervals`` projection) without importing pydantic, and must print the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, Protocol

from tracker.core.replay import Answer
from tracker.views.words import day_words, words

EMPTY: Mapping[str, str] = MappingProxyType({})
"""No display names: slugs are shown as they are."""


class QuestionView(Protocol):
    """What rendering reads of a question (``replay.Question``)."""

    @property
    def on(self) -> str | None: ...
    @property
    def known_by(self) -> str | None: ...
    @property
    def as_recorded(self) -> str | None: ...


def answer_dict(a: Answer) -> dict[str, Any]:
    """The stable JSON shape of one status answer."""
    s = a.state
    stances = sorted(s["stances"].items())
    return {
        "proposal": a.proposal,
        "status": s["status"],
        "stances": {actor: e["stance"] for actor, e in stances},
        "set_by": {actor: e["event"] for actor, e in stances},
        "disputed": s["disputed"],
        "denials": s["denials"],
        "uncertain": list(a.uncertain),
        "proposer": s["proposer"],
        "addressees": s["addressees"],
        "version": s["version"],
        "last_event": s["last_event"],
        "warnings": s["warnings"],
        "effective": (s["effective"] or s["agreed_on"]) if s["agreed_by"] else s["effective"],
        "scheduled_end": s["ends"],
        "deadlines": s["deadlines"],
        "suspended_by": {actor: v["since"] for actor, v in sorted(s["suspended"].items())},
        "talks": s["talks"],
        "violations": s["violations"],
        "claims": s["claims"],
        "projected": s["projected"],
    }


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _span(low: str, high: str) -> str:
    return day_words(low) if low == high else f"between {day_words(low)} and {day_words(high)}"


def phrase(s: Mapping[str, Any], names: Mapping[str, str] = EMPTY) -> str:
    """An agreement's status in words, on the day it was judged: "in force until 2 June 2022 (day 3 of 61)",
    "expired on 2 October 2022", "suspended by north since 10 May 2022" (parties by their display
    ``names``); other statuses as they are."""
    status, day, start, expiry = s["status"], s.get("judged_on"), s.get("start"), s.get("expiry")
    if status is None:
        return "(uncertain)"
    projected = " (projected)" if s.get("projected") else ""
    if status == "in_force":
        if expiry is None:
            since = day_words(start[0]) if start and start[0] == start[1] else words(s["effective"] or s["agreed_on"])
            return f"in force since {since}"
        last = s["ends"] or expiry[0]
        text = f"in force until {words(last[:10] if 'T' in last[:11] else last)}"
        if day and start and start[0] == start[1] and expiry[0] == expiry[1] and day < "9999":
            text += f" (day {_days(start[0], day) + 1} of {_days(start[0], expiry[0])})"
        return text + projected
    if status == "expired" and expiry is not None:
        return f"expired on {_span(*expiry)}" + projected
    if status == "suspended" and s.get("suspended"):
        who = sorted(s["suspended"].items())
        said = (f"{names.get(actor, actor)} since {words(v['since'])}" for actor, v in who)
        return "suspended by " + ", ".join(said) + projected
    if status == "agreed" and start is not None:
        return f"agreed, in force from {_span(*start)}" + projected
    return str(status) + projected


def to_json(obj: Any) -> str:
    """Indented JSON, keys in a stable order, non-ASCII kept."""
    return json.dumps(obj, indent=2, ensure_ascii=False)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences among them), line and
    paragraph separators and bidirectional overrides shown as ``\\uXXXX``, never sent raw."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def lines(text: Iterable[str]) -> str:
    """Lines of text for a terminal (each may hold newlines of its own), made ``printable`` between
    the newlines, joined by newlines."""
    return "\n".join("\n".join(map(printable, line.split("\n"))) for line in text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A plain left-aligned text table (every cell ``printable``)."""
    body = [[printable(str(c)) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def describe(q: QuestionView) -> str:
    """One line saying which picture an answer is."""
    parts = []
    parts.append(f"as it stood on {q.on}" if q.on else "as it stands now")
    if q.known_by:
        parts.append(f"as publicly known by {q.known_by}")
    parts.append(f"as recorded by {q.as_recorded}" if q.as_recorded else "by everything recorded")
    return "Status " + ", ".join(parts)


def status_text(
    answers: Sequence[Answer],
    q: QuestionView,
    versions: Mapping[str, int] | None = None,
    names: Mapping[str, str] = EMPTY,
    titles: Mapping[str, str] = EMPTY,
) -> str:
    """The human status table (with each proposal's stream version when ``versions`` is given), parties
    by their display ``names``, and a title column when a proposal shown has one (``titles``)."""
    if not answers:
        return describe(q) + "\n(no proposal has any event by then)"
    titled = any(a.proposal in titles for a in answers)
    joiner = ", " if names else " "  # display names may hold spaces
    rows = []
    for a in answers:
        s = a.state
        stances = joiner.join(f"{names.get(actor, actor)}={e['stance']}" for actor, e in sorted(s["stances"].items()))
        count = len(s["denials"])
        disputed = f"yes ({count} denial{'s' if count != 1 else ''})" if s["disputed"] else "no"
        head = (a.proposal, titles.get(a.proposal, "-")) if titled else (a.proposal,)
        row = (*head, phrase(s, names), stances or "-", disputed, ", ".join(a.uncertain) or "-")
        rows.append(row if versions is None else (*row, str(versions.get(a.proposal, 0))))
    headers: tuple[str, ...] = ("proposal", "title") if titled else ("proposal",)
    headers += ("status", "stances", "disputed", "may also count")
    out = describe(q) + "\n" + table(headers if versions is None else (*headers, "version"), rows)
    return out


def status_output(
    answers: Sequence[Answer],
    q: QuestionView,
    versions: Mapping[str, int] | None,
    *,
    as_json: bool,
    names: Mapping[str, str] = EMPTY,
    titles: Mapping[str, str] = EMPTY,
) -> str:
    """What ``tracker status`` prints: the table, or the JSON list (with ``stream_version`` when versions are
    given); display ``names`` and ``titles`` go in the table only, the JSON keeps slugs."""
    if not as_json:
        return status_text(answers, q, versions, names, titles)
    rows = [answer_dict(a) for a in answers]
    if versions is not None:
        rows = [{**r, "stream_version": versions.get(r["proposal"], 0)} for r in rows]
    return to_json(rows)


def history_table(entries: Sequence[Any], names: Mapping[str, str] = EMPTY) -> str:
    """A proposal's story (``HistoryEntry`` values) as a table: dates in words, parties by display name."""
    rows = []
    for e in entries:
        changes = "; ".join(f"{c['field']}: {c['before'] or '-'} -> {c['after']}" for c in e.changes) or "-"
        if e.seq is None:  # a transition with no event: name the term that caused it
            changes += f" ({e.id})"
        occurred, reported = words(e.occurred), words(e.reported) if e.reported else "-"
        rows.append(
            (str(e.seq or "-"), occurred, reported, e.kind, names.get(e.actor, e.actor), changes, e.status or "-")
        )
    return table(("seq", "occurred", "reported", "kind", "actor", "changes", "status"), rows)
