"""Exports for spreadsheets, articles and newsrooms: CSV, Markdown, and Knight Lab TimelineJS JSON.

Pure: every function takes answers, history entries, audits or records and returns text or
plain data. Event text is escaped for its destination: CSV cells that a spreadsheet would run
as a formula get a leading apostrophe, Markdown punctuation gets a backslash, and TimelineJS
text (which it renders as HTML) goes through ``html.escape``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from tracker.core.audit import Audit, Step
from tracker.core.dates import MAX_DAY, MIN_DAY, bounds
from tracker.core.events import Source
from tracker.core.replay import Answer, Question, Record
from tracker.views.text import EMPTY, phrase
from tracker.views.words import words

if TYPE_CHECKING:
    from tracker.core.history import HistoryEntry
    from tracker.views.timeline import Lane

# -- rows (shared by CSV and DataFrames) ------------------------------------------------------


def status_row(a: Answer) -> dict[str, Any]:
    """One status answer as a flat row."""
    s = a.state
    return {
        "proposal": a.proposal,
        "status": s["status"],
        "proposer": s["proposer"],
        "co_proposers": "; ".join(s["co_proposers"]),
        "addressees": "; ".join(s["addressees"]),
        "stances": "; ".join(f"{actor}={e['stance']}" for actor, e in sorted(s["stances"].items())),
        "disputed": s["disputed"],
        "denials": len(s["denials"]),
        "may_also_count": "; ".join(a.uncertain),
        "events_applied": s["version"],  # "version" names the stream's length (see text.answer_dict)
        "last_event": s["last_event"],
        "warnings": "; ".join(s["warnings"]),
        "effective": (s["effective"] or s["agreed_on"]) if s["agreed_by"] else s["effective"],
        "scheduled_end": s["ends"],
        "deadlines": "; ".join(f"{d['what']}: {d['due']} ({d['state']})" for d in s["deadlines"]),
        "suspended_by": "; ".join(f"{a} since {v['since']}" for a, v in sorted(s["suspended"].items())),
        "violations": len(s["violations"]),
        "projected": s["projected"],
    }


def _changes(changes: Iterable[Any]) -> str:
    return "; ".join(f"{c['field']}: {c['before'] or '-'} -> {c['after'] or '-'}" for c in changes)


def history_row(e: HistoryEntry) -> dict[str, Any]:
    """One history entry as a flat row."""
    row = e.model_dump(mode="json")
    row["changes"] = _changes(e.changes)
    return row


def _cite(src: Source) -> str:
    parts = [f"{src.outlet}: {src.title} ({src.published})"]
    parts += [src.attribution] if src.attribution else []
    parts += [src.url] if src.url else []
    return ", ".join(parts)


def audit_row(st: Step) -> dict[str, Any]:
    """One audit step as a flat row (sources joined with `` | ``)."""
    return {
        "seq": st.seq,
        "id": st.id,
        "occurred": st.occurred,
        "reported": st.reported,
        "recorded_at": st.recorded_at,
        "type": st.type,
        "actor": st.actor,
        "person": st.person,
        "rule": st.rule,
        "changes": _changes(st.changes),
        "warnings": " | ".join(f"{w.code}: {w.message}" for w in st.warnings),
        "status": st.status,
        "sources": " | ".join(_cite(s) for s in st.sources),
    }


# -- CSV ---------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection): make it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Iterable[Mapping[str, Any]], headers: Sequence[str]) -> str:
    """Rows as CSV with a header line (RFC 4180 quoting, ``\\r\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(row.get(h)) for h in headers])
    return out.getvalue()


STATUS_COLUMNS = (
    "proposal", "status", "proposer", "co_proposers", "addressees", "stances", "disputed", "denials",
    "may_also_count", "events_applied", "last_event", "warnings",
    "effective", "scheduled_end", "deadlines", "suspended_by", "violations", "projected",
)  # fmt: skip
HISTORY_COLUMNS = (
    "seq", "id", "occurred", "reported", "recorded_at", "type", "actor", "person", "changes", "status", "source",
)  # fmt: skip
AUDIT_COLUMNS = (
    "seq", "id", "occurred", "reported", "recorded_at", "type", "actor", "person", "rule", "changes",
    "warnings", "status", "sources",
)  # fmt: skip

# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")


def md(text: str | None) -> str:
    """Event text made inert in Markdown: punctuation escaped, line breaks folded."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _md_url(url: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in "()<>[] \"'`" else c for c in url)


def shape(low: str, high: str) -> str:
    """How precise a span of days is: ``day``, ``month``, ``year``, or ``span`` (anything else)."""
    if low == high:
        return "day"
    first, last = date.fromisoformat(low), date.fromisoformat(high)
    whole_months = first.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months and (first.year, first.month) == (last.year, last.month):
        return "month"
    if whole_months and first.year == last.year and (first.month, last.month) == (1, 12):
        return "year"
    return "span"


def describe_date(text: str) -> str:
    """A vague date in words, honestly: ``13 Feb 2024``, ``Jan 2024``, ``between 1 Sep 2023 and 31 Jan 2024``."""
    low, high = bounds(text)
    if low == MIN_DAY and high == MAX_DAY:
        return "date unknown"
    if low == MIN_DAY:
        return f"by {_day(high)}"
    if high == MAX_DAY:
        return f"{_day(low)} or later"
    kind = shape(low, high)
    first = date.fromisoformat(low)
    if kind == "day":
        return _day(low)
    if kind == "month":
        return first.strftime("%b %Y")
    if kind == "year":
        return str(first.year)
    return f"between {_day(low)} and {_day(high)}"


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%b')} {d.year}"


def status_markdown(
    answers: Sequence[Answer], q: Question, names: Mapping[str, str] = EMPTY, titles: Mapping[str, str] = EMPTY
) -> str:
    """A status table for an article, saying which picture it is: proposals by title, parties by display
    name (``names``, ``titles``: slugs where none is given), the status in words (``text.phrase``)."""
    from tracker.views.text import describe

    lines = [
        f"**{md(describe(q))}**",
        "",
        "| Proposal | Status | Stances | Disputed | May also count |",
        "|---|---|---|---|---|",
    ]
    for a in answers:
        s = a.state
        stances = ", ".join(f"{names.get(actor, actor)}: {e['stance']}" for actor, e in sorted(s["stances"].items()))
        cells = (titles.get(a.proposal, a.proposal), phrase(s, names), stances or "-",
                 "yes" if s["disputed"] else "no", ", ".join(a.uncertain) or "-")  # fmt: skip
        lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def story_markdown(audit: Audit, names: Mapping[str, str] = EMPTY, titles: Mapping[str, str] = EMPTY) -> str:
    """A proposal's story for pasting into an article: one line per event, numbered citations; dates in
    words, parties by display name and the proposal by its title (``names``, ``titles``)."""
    numbers: dict[tuple[str, str, str | None, str | None], int] = {}
    notes: list[str] = []
    lines = [f"## {md(titles.get(audit.proposal, audit.proposal))}", ""]
    for st in audit.steps:
        refs = []
        for src in st.sources:
            key = (src.outlet, src.title, src.url, src.attribution)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                title = f"{md(src.outlet)}, “{md(src.title)}”"
                link = f"[{title}]({_md_url(src.url)})" if src.url else title
                who = f" {md(src.attribution)}." if src.attribution else ""
                notes.append(f"{numbers[key]}. {link}, {md(words(src.published))}.{who}")
            refs.append(f"\\[{numbers[key]}\\]")
        actor = names.get(st.actor, st.actor)
        who = f"{md(actor)} ({md(st.person)})" if st.person else md(actor)
        if st.co_proposers:
            who += " with " + ", ".join(md(names.get(p, p)) for p in st.co_proposers)
        status = [c for c in st.changes if c["field"] == "status"]
        change = f" Status: {md(status[0]['before'] or 'none')} → {md(status[0]['after'])}." if status else ""
        cite = " " + " ".join(dict.fromkeys(refs)) if refs else " (no source given)"
        lines.append(f"- **{md(words(st.occurred))}**: {who}, {md(st.type)}.{change}{cite}")
    lines.append("")
    lines.append(f"Status by everything recorded: **{md(audit.status or 'none')}**.")
    if notes:
        lines += ["", "Sources:", "", *notes]
    return "\n".join(lines) + "\n"


# -- TimelineJS ------------------------------------------------------------------------------


def _tl_date(iso: str, precision: str) -> dict[str, int]:
    d = date.fromisoformat(iso)
    out = {"year": d.year}
    if precision != "year":
        out["month"] = d.month
    if precision in ("day", "span"):
        out["day"] = d.day
    return out


def _slide(rec: Record, names: Mapping[str, str], titles: Mapping[str, str]) -> dict[str, Any]:
    event, low, high = rec.event, rec.occurred.earliest, rec.occurred.latest
    kind = shape(low, high) if MIN_DAY < low and high < MAX_DAY else "day"
    slide: dict[str, Any] = {"start_date": _tl_date(low if low > MIN_DAY else high, kind)}
    if kind == "span":
        slide["end_date"] = _tl_date(high, "day")
    slide["display_date"] = words(event["occurred"])
    actor, person, reported = names.get(event["actor"], event["actor"]), event.get("person"), event.get("reported")
    who = f"{actor} ({person})" if person else actor
    body = [f"<p>{escape(event['type'])} by {escape(who)}; occurred {escape(words(event['occurred']))}"
            f"{'; reported ' + escape(words(reported)) if reported else ''}.</p>"]  # fmt: skip
    if event.get("note"):
        body.append(f"<p>{escape(event['note'])}</p>")
    for src in event.get("sources", ()):
        title = escape(f"{src['outlet']}, “{src['title']}”, {words(src['published'])}")
        url = src.get("url")
        body.append(f'<p><a href="{escape(url)}">{title}</a></p>' if url else f"<p>{title}</p>")
    proposal = titles.get(event["proposal"], event["proposal"])
    headline = escape(f"{proposal}: {event['type']} by {actor}")
    slide["text"] = {"headline": headline, "text": "".join(body)}
    slide["group"] = proposal
    slide["unique_id"] = rec.id
    return slide


def timelinejs(
    records: Iterable[Record],
    lanes: Sequence[Lane],
    names: Mapping[str, str] = EMPTY,
    titles: Mapping[str, str] = EMPTY,
) -> dict[str, Any]:
    """Knight Lab TimelineJS JSON: a slide per event, grouped by proposal; status intervals as eras.

    It is for readers: dates in words, parties by display name, proposals by title (``names``,
    ``titles``; slugs where none is given); ``unique_id`` stays the event id."""
    from tracker.views.timeline import span

    wanted = {m.id for lane in lanes for m in lane.marks}
    slides = [_slide(r, names, titles) for r in sorted(records, key=lambda r: r.order) if r.id in wanted]
    end = span(lanes)[1]
    eras = []
    for lane in lanes:
        for iv in lane.intervals:
            if iv.status is not None and iv.valid_from < end:
                # valid_to is the first day of the next interval; an era names its own last day.
                last = (
                    min((date.fromisoformat(iv.valid_to) - timedelta(days=1)).isoformat(), end) if iv.valid_to else end
                )
                eras.append(
                    {
                        "start_date": _tl_date(iv.valid_from, "day"),
                        "end_date": _tl_date(last, "day"),
                        "text": {"headline": escape(f"{titles.get(lane.proposal, lane.proposal)}: {iv.status}")},
                    }
                )
    shown = ", ".join(titles.get(lane.proposal, lane.proposal) for lane in lanes)
    title = {"text": {"headline": "Proposals over time", "text": escape(shown)}}
    return {"title": title, "events": slides, "eras": eras}
