"""The timeline picture: a swim lane per proposal, status over valid time, an event marker each.

Pure: lanes are built from records (``lanes``), then drawn as one inline SVG (``svg``), a
self-contained HTML page around it (``page``) or a compact text strip (``text``). Every string
that comes from an event is escaped; the page loads nothing from the network (its CSP says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape
from itertools import groupby

from tracker.core.dates import MAX_DAY, MIN_DAY, bounds
from tracker.core.replay import Question, Record, classify, effective, fold
from tracker.core.segments import Segment, status_intervals
from tracker.core.value import Value
from tracker.views.text import lines as printable_lines

STATUS_COLOURS = {
    "floated": "#9ca3af",
    "considering": "#f59e0b",
    "countered": "#fb923c",
    "rejected": "#dc2626",
    "withdrawn": "#7c3aed",
    "collapsed": "#44403c",
    # the agreement phase: blues and greens while it holds, never green once it lapsed
    "agreed": "#60a5fa",
    "in_force": "#16a34a",
    "suspended": "#eab308",
    "expired": "#78716c",
    "terminated": "#991b1b",
    "superseded": "#0e7490",
}
STATUS_LETTERS = {
    "floated": "F",
    "considering": "C",
    "countered": "K",
    "rejected": "R",
    "withdrawn": "W",
    "collapsed": "X",
    "agreed": "G",
    "in_force": "I",
    "suspended": "S",
    "expired": "E",
    "terminated": "T",
    "superseded": "P",
}
KIND_LETTERS = {
    "floated": "F",
    "considering": "C",
    "accepted": "A",
    "rejected": "R",
    "denied": "D",
    "reversed": "V",
    "withdrawn": "W",
    "collapsed": "X",
    "counter_proposed": "K",
    "signed": "S",
    "took_effect": "I",
    "extended": "+",
    "objected": "O",
    "suspended": "s",
    "resumed": "r",
    "violation_alleged": "!",
    "violation_confirmed": "#",
    "claimed": "?",
    "terminated": "T",
    "recommitted": "M",
    "superseded": "P",
    "expired": "E",
    "terms_disclosed": "d",
    "endorsed": "e",
}
LABEL_W, PLOT_W, LANE_H, TOP, PAD = 200, 880, 48, 56, 16


class Mark(Value):
    """One event on a lane: where it may fall (earliest..latest day) and what hover shows."""

    id: str
    type: str
    actor: str
    person: str | None
    occurred: str
    reported: str | None
    earliest: str
    latest: str
    source: str | None
    url: str | None = None


class Lane(Value):
    """One proposal's swim lane: its status segments, its events, and an agreement's scheduled end
    (the first day expired, earliest) and deadlines (what, the last day due)."""

    proposal: str
    intervals: tuple[Segment, ...]
    marks: tuple[Mark, ...]
    scheduled_end: str | None = None
    deadlines: tuple[tuple[str, str], ...] = ()


def _mark(rec: Record) -> Mark:
    event = rec.event
    src = event["sources"][0] if event.get("sources") else None
    return Mark(
        id=rec.id,
        type=event["type"],
        actor=event["actor"],
        person=event.get("person"),
        occurred=event["occurred"],
        reported=event.get("reported"),
        earliest=rec.occurred.earliest,
        latest=rec.occurred.latest,
        source=f'{src["outlet"]}, "{src["title"]}", {src["published"]}' if src else None,
        url=src.get("url") if src else None,
    )


def lanes(records: Iterable[Record], question: Question, proposals: Sequence[str] = ()) -> list[Lane]:
    """One lane per proposal (all, or those named, in that order) for a question's log."""
    live = sorted(effective(records, question.as_recorded), key=lambda r: r.proposal)
    known = Question(known_by=question.known_by)
    out = {}
    for proposal, group in groupby(live, key=lambda r: r.proposal):
        recs = list(group)
        marks = tuple(_mark(r) for r in sorted(recs, key=lambda r: r.order) if classify(r, known) >= 0)
        state = fold(proposal, [r for r in recs if classify(r, known) == 1])
        out[proposal] = Lane(
            proposal=proposal,
            intervals=tuple(status_intervals(proposal, recs, question)),
            marks=marks,
            scheduled_end=state["expiry"][0] if state["expiry"] and state["agreed_by"] else None,
            deadlines=tuple((d["what"], bounds(d["due"]).latest) for d in state["deadlines"]),
        )
    return [out[p] for p in dict.fromkeys(proposals) if p in out] if proposals else list(out.values())


def span(
    lanes_: Sequence[Lane], start: str | None = None, end: str | None = None, on: str | None = None
) -> tuple[str, str]:
    """The days to draw: as asked, else every finite event day (and ``on``) with a margin."""
    days = [d for lane in lanes_ for m in lane.marks for d in (m.earliest, m.latest) if MIN_DAY < d < MAX_DAY]
    days += [on] if on else []
    low = date.fromisoformat(min(days)) if days else date(2000, 1, 1)
    high = date.fromisoformat(max(days)) if days else date(2000, 12, 31)
    margin = timedelta(days=max(7, (high - low).days // 25))
    return (start or (low - margin).isoformat(), end or (high + margin).isoformat())


class _Scale:
    def __init__(self, start: str, end: str) -> None:
        self.start = date.fromisoformat(start).toordinal()
        self.days = max(1, date.fromisoformat(end).toordinal() + 1 - self.start)

    def x(self, day: str, *, end_of_day: bool = False) -> float:
        ordinal = date.fromisoformat(day).toordinal() + (1 if end_of_day else 0) - self.start
        return LABEL_W + PLOT_W * min(max(ordinal, 0), self.days) / self.days


def _ticks(start: str, end: str) -> list[tuple[str, str]]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120, 600) if months / s <= 12)
    index = first.year * 12 + first.month - 1
    index += -index % step
    out = []
    while (tick := date(index // 12, index % 12 + 1, 1)) <= last:
        out.append((tick.isoformat(), str(tick.year) if tick.month == 1 else tick.strftime("%b %Y")))
        index += step
    return out


def _title(mark: Mark) -> str:
    who = f"{mark.actor} ({mark.person})" if mark.person else mark.actor
    lines = [f"{mark.type} by {who}", f"occurred {mark.occurred}", f"reported {mark.reported or '-'}"]
    lines.append(f"source: {mark.source}" if mark.source else "source: none given")
    lines.append(f"id: {mark.id}")
    return escape("\n".join(lines))


def _lane(lane: Lane, index: int, scale: _Scale, end: str) -> list[str]:
    top = TOP + index * LANE_H
    bar_y, bar_h = top + 12, 24
    out = [f'<g class="lane" data-proposal="{escape(lane.proposal)}">']
    if index % 2:
        out.append(f'<rect class="band" x="0" y="{top}" width="{LABEL_W + PLOT_W + PAD}" height="{LANE_H}"/>')
    out.append(f'<text class="label" x="{LABEL_W - 10}" y="{top + 28}">{escape(lane.proposal)}</text>')
    for iv in lane.intervals:
        if iv.status is None:
            continue
        x1, x2 = scale.x(iv.valid_from), scale.x(iv.valid_to) if iv.valid_to else scale.x(end, end_of_day=True)
        if x2 - x1 < 0.1:
            continue
        until = f" until {iv.valid_to}" if iv.valid_to else " on"
        out.append(
            f'<rect class="segment" data-status="{iv.status}" x="{x1:.1f}" y="{bar_y}" width="{x2 - x1:.1f}" '
            f'height="{bar_h}" fill="{STATUS_COLOURS[iv.status]}"><title>{iv.status} from {iv.valid_from}'
            f"{until}</title></rect>"
        )
    for m in lane.marks:
        if m.earliest < m.latest:
            x1, x2 = scale.x(m.earliest), scale.x(m.latest, end_of_day=True)
            if x2 - x1 >= 0.1:
                out.append(
                    f'<rect class="uncertain" x="{x1:.1f}" y="{bar_y}" width="{x2 - x1:.1f}" height="{bar_h}" '
                    f'fill="url(#hatch)"><title>{escape(m.type)} by {escape(m.actor)}: date uncertain, '
                    f"{m.earliest} to {m.latest}</title></rect>"
                )
    if lane.scheduled_end is not None and lane.scheduled_end < MAX_DAY:
        x = scale.x(lane.scheduled_end)
        out.append(
            f'<line class="scheduled-end" x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 4}" y2="{bar_y + bar_h + 4}">'
            f"<title>scheduled end: expired from {lane.scheduled_end}</title></line>"
        )
    for what, due in lane.deadlines:
        if due < MAX_DAY:
            x = scale.x(due, end_of_day=True)
            out.append(
                f'<path class="deadline" d="M{x:.1f},{bar_y + bar_h + 1} l-4,6 h8 z">'
                f"<title>deadline: {escape(what)}, due by {due}</title></path>"
            )
    rows: list[float] = []
    for m in sorted(lane.marks, key=lambda m: m.latest):
        x = scale.x(m.latest if m.latest < MAX_DAY else m.earliest, end_of_day=m.latest < MAX_DAY) - 0.5
        row = next((i for i, last in enumerate(rows) if x - last >= 15), len(rows))
        if row < len(rows):
            rows[row] = x
        else:
            rows.append(x)
        cy = bar_y + bar_h / 2 + (0, -11, 11, -22, 22)[row % 5]
        out.append(
            f'<g class="marker" data-event-id="{escape(m.id)}" data-type="{escape(m.type)}">'
            f"<title>{_title(m)}</title>"
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="7"/>'
            f'<text x="{x:.1f}" y="{cy + 3.5:.1f}">{KIND_LETTERS.get(m.type, "?")}</text></g>'
        )
    out.append("</g>")
    return out


_STYLE = (
    "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12px;fill:#111827}"
    ".label{text-anchor:end;font-weight:600}.band{fill:#f3f4f6}.tick line{stroke:#d1d5db}"
    ".tick text{text-anchor:middle;fill:#4b5563;font-size:11px}"
    ".marker circle{fill:#fff;stroke:#111827;stroke-width:1.5}"
    ".marker text{text-anchor:middle;font-size:9px;font-weight:700}.on-line{stroke:#2563eb;stroke-width:2}"
    ".on-label{fill:#2563eb;font-weight:600}.legend text{font-size:11px}"
    ".scheduled-end{stroke:#111827;stroke-width:2;stroke-dasharray:3 2}.deadline{fill:#b45309}"
)


def svg(lanes_: Sequence[Lane], start: str, end: str, on: str | None = None, title: str = "Proposals over time") -> str:
    """The timeline as one standalone SVG document."""
    scale = _Scale(start, end)
    height = TOP + len(lanes_) * LANE_H + 84
    width = LABEL_W + PLOT_W + PAD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff" fill-opacity="0.35"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#374151" stroke-width="2"/></pattern></defs>',
    ]
    bottom = TOP + len(lanes_) * LANE_H
    for day, label in _ticks(start, end):
        x = scale.x(day)
        out.append(
            f'<g class="tick"><line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{TOP - 14}">{label}</text></g>'
        )
    for index, lane in enumerate(lanes_):
        out.extend(_lane(lane, index, scale, end))
    if on and start <= on <= end:
        x = scale.x(on)
        out.append(
            f'<g class="on"><line class="on-line" x1="{x:.1f}" y1="{TOP - 30}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="on-label" x="{x + 4:.1f}" y="{TOP - 32}">on {escape(on)}</text></g>'
        )
    out.extend(_legend(bottom + 26))
    out.append("</svg>")
    return "\n".join(out)


def _legend(y: int) -> list[str]:
    out = ['<g class="legend">']
    x = 10
    for status, colour in STATUS_COLOURS.items():
        out.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>')
        out.append(f'<text x="{x + 19}" y="{y + 11}">{status}</text>')
        x += 32 + 7 * len(status)
    out.append(f'<rect x="{x}" y="{y}" width="28" height="14" fill="#9ca3af"/>')
    out.append(f'<rect x="{x}" y="{y}" width="28" height="14" fill="url(#hatch)"/>')
    out.append(f'<text x="{x + 33}" y="{y + 11}">date uncertain (earliest to latest possible day)</text>')
    letters = ", ".join(f"{letter} {kind}" for kind, letter in KIND_LETTERS.items())
    out.append(
        f'<g class="marker"><circle cx="17" cy="{y + 32}" r="7"/><text x="17" y="{y + 35.5}">F</text></g>'
        f'<text x="30" y="{y + 36}">event, on the day it has certainly happened (hover for actor, dates, '
        f"source): {letters}</text>"
    )
    out.append("</g>")
    return out


def page(
    lanes_: Sequence[Lane], start: str, end: str, on: str | None = None, title: str = "Proposals over time"
) -> str:
    """A self-contained HTML page around the SVG: no script, no network (a CSP forbids it)."""
    body = svg(lanes_, start, end, on, title)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#111827}"
        "svg{max-width:100%;height:auto}table{border-collapse:collapse;font-size:13px;margin-top:16px}"
        "td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}</style>"
        f"</head><body><h1>{escape(title)}</h1><p>{len(lanes_)} proposal(s), {start} to {end}. "
        "Hover a marker for the event's actor, dates and source; every event is also listed below.</p>\n"
        f"{body}\n{_table(lanes_)}\n</body></html>\n"
    )


def _table(lanes_: Sequence[Lane]) -> str:
    """The events as a table, for readers who cannot hover (and for screen readers)."""
    rows = []
    for lane in lanes_:
        for m in lane.marks:
            who = f"{m.actor} ({m.person})" if m.person else m.actor
            source = escape(m.source or "-")
            if m.url:
                source = f'<a href="{escape(m.url)}" rel="noreferrer">{source}</a>'
            cells = (escape(lane.proposal), escape(m.occurred), escape(m.type), escape(who), source)
            rows.append(f'<tr class="event-row">{"".join(f"<td>{c}</td>" for c in cells)}</tr>')
    head = "<tr><th>proposal</th><th>occurred</th><th>type</th><th>actor</th><th>first source</th></tr>"
    return f'<table class="events"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def text(lanes_: Sequence[Lane], start: str, end: str, on: str | None = None, width: int = 60) -> str:
    """A compact strip per proposal: one character per slice of days.

    Upper-case letter = status; lower-case = that status while some event's date is uncertain;
    ``?`` = an event may have happened but nothing is certain yet; ``.`` = nothing yet.
    """
    if not lanes_:
        return "(no proposal has any event to draw)"
    scale = _Scale(start, end)
    label = max((len(lane.proposal) for lane in lanes_), default=8)
    lines = [f"{'':{label}}  {start}{end:>{width - len(start)}}"]
    for lane in lanes_:
        cells = []
        for col in range(width):
            day = date.fromordinal(scale.start + col * scale.days // width).isoformat()
            iv = next(
                (i for i in lane.intervals if i.valid_from <= day and (i.valid_to is None or day < i.valid_to)), None
            )
            letter = "." if iv is None or iv.status is None else STATUS_LETTERS[iv.status]
            if iv is not None and iv.uncertain:
                letter = "?" if letter == "." else letter.lower()
            cells.append(letter)
        lines.append(f"{lane.proposal:<{label}}  {''.join(cells)}")
    if on and start <= on <= end:
        col = (date.fromisoformat(on).toordinal() - scale.start) * width // scale.days
        lines.append(f"{'':{label}}  {' ' * col}^ on {on}")
    key = "  ".join(f"{letter} {status}" for status, letter in STATUS_LETTERS.items())
    lines.append(f"{key}; lower case: an event's date is uncertain then; ? may have begun")
    return printable_lines(lines)
