"""Rendering answers for people (plain-text tables) and machines (JSON with stable keys).

Standard library only: ``tracker.quick`` renders the same answers (``replay.Answer``, read from
the ``intervals`` projection) without importing pydantic, and must print the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

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
        "co_proposers": s["co_proposers"],
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


class Terminal(NamedTuple):
    """Where a table goes: the columns to fit (None: no limit) and whether status words are coloured."""

    width: int | None
    colour: bool


def terminal(isatty: bool | None = None, env: Mapping[str, str] | None = None) -> Terminal:
    """The terminal standard output is (``isatty`` and ``env`` default to ``sys.stdout`` and the environment).

    Width: ``$COLUMNS`` when set (also when piped: the reader asked for it), else the terminal's own
    width on a terminal, else no limit, so that files, pipes and scripts get whole rows. Colour: only
    on a terminal, never with ``$NO_COLOR`` set (no-color.org) or ``TERM=dumb``.
    ``os.get_terminal_size`` rather than ``shutil``'s: importing shutil costs the quick path ~10 ms.
    """
    env = os.environ if env is None else env
    if isatty is None:
        try:
            isatty = sys.stdout.isatty()
        except (AttributeError, ValueError):  # no stdout, or a closed one
            isatty = False
    columns = env.get("COLUMNS", "")
    width: int | None = int(columns) if columns.isdigit() and int(columns) > 0 else None
    if width is None and isatty:
        try:
            width = os.get_terminal_size(sys.stdout.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            width = 80
    colour = isatty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
    return Terminal(width, colour)


FREE_TEXT = frozenset({"stances", "changes", "note", "notes", "match", "value", "terms"})
"""Columns of running text: the first to wrap when a table is too wide."""
MIN_FREE, MAX_CELL_LINES, GAP = 10, 6, 2
ELLIPSIS = "\u2026"
ANSI = {"in_force": "32", "agreed": "32", "suspended": "33", "rejected": "31", "terminated": "31"}
ANSI |= {"collapsed": "31", "expired": "90", "withdrawn": "90", "superseded": "90"}
"""The colour of a status word (green holds, yellow paused, red failed, grey over)."""
_STATUS_WORD = re.compile(r"in[ _]force|[a-z_]+")
_BREAKS = "-=/,:;"


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``: broken between words, a longer word after one of
    ``-=/,:;`` when it can (``united-states=`` / ``proposed``), else anywhere; beyond
    ``MAX_CELL_LINES`` lines the rest is cut, with an ellipsis."""
    if len(text) <= width:
        return [text]
    out: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            cut = max(word.rfind(c, 0, width) for c in _BREAKS) + 1 or width
            if line:
                out.append(line)
                line = ""
            out.append(word[:cut])
            word = word[cut:]
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            if line:
                out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > MAX_CELL_LINES:
        out = out[:MAX_CELL_LINES]
        out[-1] = (out[-1] if len(out[-1]) < width else out[-1][: width - 1]) + ELLIPSIS
    return out or [""]


def _longest_word(texts: Iterable[str]) -> int:
    return max((len(w) for t in texts for w in t.split()), default=1)


def _fit(headers: Sequence[str], body: Sequence[Sequence[str]], width: int | None) -> list[int]:
    """Column widths: each column's widest cell, narrowed to fit ``width``: running text first
    (widest first) down to its longest word, then the other columns down to theirs, then running
    text down to ``MIN_FREE``; a table that still does not fit runs over."""
    natural = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    if width is None or sum(natural) + GAP * (len(natural) - 1) <= width:
        return natural
    cols = natural[:]
    excess = sum(cols) + GAP * (len(cols) - 1) - width
    words = [_longest_word([h, *(r[i] for r in body)]) for i, h in enumerate(headers)]
    free = [i for i, h in enumerate(headers) if h.lower() in FREE_TEXT]
    rest = [i for i in range(len(cols)) if i not in free]
    stages = [(free, words), (rest, words), (free, [MIN_FREE] * len(cols))]
    for members, floor in stages:
        while excess > 0:
            room = [i for i in members if cols[i] > floor[i]]
            if not room:
                break
            widest = max(room, key=lambda i: cols[i])
            cols[widest] -= 1
            excess -= 1
    return cols


def _colour(text: str) -> str | None:
    """The ANSI colour of a status cell ("in force until ...", "rejected", "expired on ..."), if any."""
    found = _STATUS_WORD.match(text)
    return ANSI.get(found.group().replace(" ", "_")) if found else None


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], term: Terminal | None = None) -> str:
    """A left-aligned text table, every cell ``printable``, fitted to the ``terminal`` (default: stdout's).

    Too wide for it, running text wraps (``FREE_TEXT``, then the other columns between words;
    see ``_fit``), a cell's continuation lines under it; a status column is coloured when
    ``term.colour``. Without a width (a pipe or a file) the table is as wide as its rows.
    """
    term = terminal() if term is None else term
    body = [[printable(str(c)) for c in r] for r in rows]
    widths = _fit(headers, body, term.width)
    status = [h.lower() == "status" and term.colour for h in headers]
    out = []
    for cells, painted in [([h.upper() for h in headers], False), *((r, True) for r in body)]:
        wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
        codes = [_colour(c) if painted and s else None for c, s in zip(cells, status, strict=True)]
        for n in range(max(map(len, wrapped))):
            parts = []
            for text, w, code in zip(wrapped, widths, codes, strict=True):
                piece = text[n] if n < len(text) else ""
                pad = " " * (w - len(piece))
                parts.append((f"\x1b[{code}m{piece}\x1b[0m" if code and piece else piece) + pad)
            out.append("  ".join(parts).rstrip())
    return "\n".join(out)


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
