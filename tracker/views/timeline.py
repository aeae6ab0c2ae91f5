"""The timeline picture: a swim lane per proposal, status over valid time, an event marker each.

Drawn from ``lanes.Lane`` (re-exported here) as one standalone SVG (``svg``), a self-contained
HTML page around it with the events listed below (``page``), or a compact text strip (``text``).
Publishable: a label column as wide as the longest lane name (long names wrap), markers on the
same or near days nudged apart, a still-open proposal's bar fading after ``QUIET_DAYS`` without
news, a page that scrolls rather than shrinks below legibility on a phone. Display names
(``names``: slug -> name) and dates in words (``words``: EDTF -> words) are the caller's.
Every string from an event is escaped (XML-safe: control characters shown as ``\\uXXXX``); the
page loads nothing from the network (its CSP says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape
from types import MappingProxyType
from typing import NamedTuple

from tracker.core.dates import MAX_DAY
from tracker.views.lanes import OPEN, QUIET_DAYS, Lane, Mark, first_day, lanes, last_news, quiet_from, span
from tracker.views.text import lines as printable_lines
from tracker.views.text import printable

__all__ = ["OPEN", "QUIET_DAYS", "Lane", "Mark", "first_day", "lanes", "last_news", "page", "quiet_from"]
__all__ += ["span", "spread", "svg", "text"]

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
PLOT_W, LANE_H, TOP, PAD = 880, 48, 56, 16
LABEL_W = 200
"""The label column of the old fixed layout (now fitted: ``_label_width``), kept for callers."""
CHAR_W, MIN_LABEL_W, MAX_LABEL_W, LABEL_LINES = 7.4, 96, 300, 2
"""A bold 13 px character's width (about), and the label column's bounds: longer names wrap."""
MARKER_R, MARKER_GAP = 7, 16
"""A marker's radius, and the least distance between two markers' centres on a lane."""
FADE_PX = 64
"""How far a quiet proposal's bar fades out, in pixels."""
HEADING = 30
"""Room for the standalone SVG's visible title."""
DEFAULT_TITLE = "Proposals over time"
NO_NAMES: Mapping[str, str] = MappingProxyType({})
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _same(text: str) -> str:
    return text


def _x(text: str) -> str:
    """Text for SVG and HTML: terminal-``printable`` (so XML 1.0 accepts it), then escaped."""
    return escape(_NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text)))


class _Words(NamedTuple):
    """How a picture names things: display names for slugs, dates in words."""

    names: Mapping[str, str]
    words: Callable[[str], str]

    def name(self, slug: str) -> str:
        return self.names.get(slug, slug)

    def who(self, mark: Mark) -> str:
        return f"{self.name(mark.actor)} ({mark.person})" if mark.person else self.name(mark.actor)


def label_lines(name: str, chars: int) -> list[str]:
    """A lane label in at most ``LABEL_LINES`` lines of ``chars``: broken after a space or a hyphen,
    the rest cut with an ellipsis (the full name is in the label's hover title)."""
    out: list[str] = []
    rest = name
    while rest and len(out) < LABEL_LINES:
        if len(rest) <= chars:
            out.append(rest)
            rest = ""
            break
        cut = max(rest.rfind(" ", 0, chars + 1), rest.rfind("-", 0, chars)) + 1 or chars
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out[-1] = out[-1][: chars - 1] + "\u2026"
    return out


def _label_width(names: Sequence[str]) -> int:
    longest = max((len(n) for n in names), default=8)
    return int(min(MAX_LABEL_W, max(MIN_LABEL_W, longest * CHAR_W + 24)))


def spread(xs: Sequence[float], gap: float = MARKER_GAP, low: float = 0.0, high: float = float("inf")) -> list[float]:
    """Marker positions at least ``gap`` apart, each group of crowded markers centred on their true
    positions and kept in order, within ``low..high`` (squeezed closer only if it cannot fit).

    ``xs`` in ascending order; the result is the same length and order.
    """
    groups: list[list[float]] = []  # each: the true positions of markers that must stand side by side
    starts: list[float] = []
    for x in xs:
        groups.append([x])
        starts.append(x)
        while len(groups) > 1 and starts[-2] + len(groups[-2]) * gap > starts[-1]:
            merged = groups[-2] + groups.pop()
            starts.pop()
            groups[-1] = merged
            starts[-1] = sum(merged) / len(merged) - (len(merged) - 1) * gap / 2
    out: list[float] = []
    for group, first in zip(groups, starts, strict=True):
        out += [first + i * gap for i in range(len(group))]
    if not out:
        return out
    step = min(gap, (high - low) / max(1, len(out) - 1))
    if step < gap:  # more markers than the lane holds: evenly over it
        return [low + i * step for i in range(len(out))]
    shift = max(0.0, low - out[0]) - max(0.0, out[-1] - high)
    out = [x + shift for x in out]
    for i in range(1, len(out)):  # a shift at one end may crowd the other: push along, in order
        out[i] = max(out[i], out[i - 1] + gap)
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1] - gap)
    return out


class _Scale:
    def __init__(self, start: str, end: str, left: float = LABEL_W) -> None:
        self.start = date.fromisoformat(start).toordinal()
        self.days = max(1, date.fromisoformat(end).toordinal() + 1 - self.start)
        self.left = left

    def x(self, day: str, *, end_of_day: bool = False) -> float:
        ordinal = date.fromisoformat(day).toordinal() + (1 if end_of_day else 0) - self.start
        return self.left + PLOT_W * min(max(ordinal, 0), self.days) / self.days


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


def _title(mark: Mark, w: _Words) -> str:
    lines = [f"{mark.kind} by {w.who(mark)}", f"occurred {w.words(mark.occurred)}"]
    lines.append(f"reported {w.words(mark.reported) if mark.reported else '-'}")
    lines.append(f"source: {mark.source}" if mark.source else "source: none given")
    lines += [f"note: {mark.note}"] if mark.note else []
    lines.append(f"id: {mark.id}")
    return "\n".join(map(_x, lines))


class _Frame(NamedTuple):
    """Where things go: the time scale, the label column, the first lane's top, the end day."""

    scale: _Scale
    label_w: int
    top: int
    end: str

    @property
    def width(self) -> int:
        return self.label_w + PLOT_W + PAD


def _label(lane: Lane, top: int, f: _Frame, w: _Words) -> str:
    name = w.name(lane.proposal)
    rows = label_lines(printable(name), int((f.label_w - 20) / CHAR_W))
    y0 = top + 28 - (len(rows) - 1) * 7.5
    spans = "".join(f'<tspan x="{f.label_w - 10}" y="{y0 + i * 15:.1f}">{_x(r)}</tspan>' for i, r in enumerate(rows))
    return f'<text class="label"><title>{_x(name)}</title>{spans}</text>'


def _segments(lane: Lane, index: int, bar: tuple[float, float], f: _Frame, w: _Words) -> list[str]:
    """The status bar; a still-open story fades from ``QUIET_DAYS`` after its last news."""
    bar_y, bar_h = bar
    quiet, last = quiet_from(lane), last_news(lane)
    quiet_x = f.scale.x(quiet) if quiet is not None and quiet < f.end else None
    out = []
    for iv in lane.intervals:
        if iv.status is None:
            continue
        x1 = f.scale.x(iv.valid_from)
        x2 = f.scale.x(iv.valid_to) if iv.valid_to else f.scale.x(f.end, end_of_day=True)
        fades = quiet_x is not None and iv.valid_to is None
        if fades and quiet_x is not None:
            x2 = max(x1, quiet_x)
        until = f" until {w.words(iv.valid_to)}" if iv.valid_to else " on"
        if x2 - x1 >= 0.1:
            out.append(
                f'<rect class="segment" data-status="{iv.status}" x="{x1:.1f}" y="{bar_y}" width="{x2 - x1:.1f}" '
                f'height="{bar_h}" fill="{STATUS_COLOURS[iv.status]}"><title>{iv.status} from '
                f"{_x(w.words(iv.valid_from))}{_x(until)}</title></rect>"
            )
        if fades and last is not None:
            out += _fade(iv.status or "floated", index, x2, bar, f, w.words(last.occurred))
    return out


def _fade(status: str, index: int, x: float, bar: tuple[float, float], f: _Frame, since: str) -> list[str]:
    """The bar fading out from ``x``, and "no news since ..." after it (before it near the edge)."""
    bar_y, bar_h = bar
    right = f.label_w + PLOT_W
    fade_w = max(0.0, min(FADE_PX, right - x))
    note = f"no news since {since}"
    after = x + fade_w + 4
    anchor, text_x = ("start", after) if after + len(note) * 6.2 <= right + PAD else ("end", x - 4)
    colour = STATUS_COLOURS[status]
    return [
        f'<linearGradient id="fade-{index}"><stop offset="0" stop-color="{colour}"/>'
        f'<stop offset="1" stop-color="{colour}" stop-opacity="0"/></linearGradient>',
        f'<rect class="fading" data-status="{status}" x="{x:.1f}" y="{bar_y}" width="{fade_w:.1f}" '
        f'height="{bar_h}" fill="url(#fade-{index})"><title>{_x(note)}</title></rect>',
        f'<text class="quiet" x="{text_x:.1f}" y="{bar_y + bar_h / 2 + 4:.1f}" text-anchor="{anchor}">'
        f"{_x(note)}</text>",
    ]


def _lane(lane: Lane, index: int, f: _Frame, w: _Words) -> list[str]:
    top = f.top + index * LANE_H
    bar_y, bar_h = top + 12, 24
    out = [f'<g class="lane" data-proposal="{_x(lane.proposal)}">']
    if index % 2:
        out.append(f'<rect class="band" x="0" y="{top}" width="{f.width}" height="{LANE_H}"/>')
    out.append(_label(lane, top, f, w))
    out += _segments(lane, index, (bar_y, bar_h), f, w)
    for m in lane.marks:
        if m.earliest < m.latest:
            x1, x2 = f.scale.x(m.earliest), f.scale.x(m.latest, end_of_day=True)
            if x2 - x1 >= 0.1:
                out.append(
                    f'<rect class="uncertain" x="{x1:.1f}" y="{bar_y}" width="{x2 - x1:.1f}" height="{bar_h}" '
                    f'fill="url(#hatch)"><title>{_x(m.kind)} by {_x(w.who(m))}: date uncertain, '
                    f"{_x(w.words(m.earliest))} to {_x(w.words(m.latest))}</title></rect>"
                )
    if lane.scheduled_end is not None and lane.scheduled_end < MAX_DAY:
        x = f.scale.x(lane.scheduled_end)
        out.append(
            f'<line class="scheduled-end" x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 4}" y2="{bar_y + bar_h + 4}">'
            f"<title>scheduled end: expired from {_x(w.words(lane.scheduled_end))}</title></line>"
        )
    for what, due in lane.deadlines:
        if due < MAX_DAY:
            x = f.scale.x(due, end_of_day=True)
            out.append(
                f'<path class="deadline" d="M{x:.1f},{bar_y + bar_h + 1} l-4,6 h8 z">'
                f"<title>deadline: {_x(what)}, due by {_x(w.words(due))}</title></path>"
            )
    out += _markers(lane, bar_y + bar_h / 2, f, w)
    out.append("</g>")
    return out


def _markers(lane: Lane, cy: float, f: _Frame, w: _Words) -> list[str]:
    """A marker per event on the day it has certainly happened, crowded ones nudged apart (a leader
    line from the true day), in order of that day."""
    days = [(m.latest if m.latest < MAX_DAY else m.earliest, m.latest < MAX_DAY, m) for m in lane.marks]
    days.sort(key=lambda d: (d[0], d[2].earliest))
    true = [f.scale.x(day, end_of_day=end_of_day) - 0.5 for day, end_of_day, _ in days]
    placed = spread(true, MARKER_GAP, f.label_w + MARKER_R, f.label_w + PLOT_W + PAD - MARKER_R)
    out = []
    for (day, _, m), x0, x in zip(days, true, placed, strict=True):
        leader = (
            f'<path class="leader" d="M{x0:.1f},{cy + 12:.1f} L{x:.1f},{cy + MARKER_R:.1f}"/>'
            if abs(x - x0) > 1
            else ""
        )
        out.append(
            f'<g class="marker" data-event-id="{_x(m.id)}" data-kind="{_x(m.kind)}" data-day="{day}">'
            f"<title>{_title(m, w)}</title>{leader}"
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{MARKER_R}"/>'
            f'<text x="{x:.1f}" y="{cy + 3.5:.1f}">{KIND_LETTERS.get(m.kind, "?")}</text></g>'
        )
    return out


_STYLE = (
    "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12px;fill:#111827}"
    ".label{text-anchor:end;font-weight:600;font-size:13px}.band{fill:#f3f4f6}.tick line{stroke:#d1d5db}"
    ".tick text{text-anchor:middle;fill:#4b5563;font-size:11px}.heading{font-size:18px;font-weight:700}"
    ".marker circle{fill:#fff;stroke:#111827;stroke-width:1.5}.leader{stroke:#111827;stroke-width:1;fill:none}"
    ".marker text{text-anchor:middle;font-size:9px;font-weight:700}.on-line{stroke:#2563eb;stroke-width:2}"
    ".on-label{fill:#2563eb;font-weight:600}.legend text{font-size:11px}"
    ".quiet{font-size:11px;font-style:italic;fill:#374151}"
    ".scheduled-end{stroke:#111827;stroke-width:2;stroke-dasharray:3 2}.deadline{fill:#b45309}"
)
_HATCH = (
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#ffffff" fill-opacity="0.35"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#374151" stroke-width="2"/></pattern>'
    '<linearGradient id="fade-key"><stop offset="0" stop-color="#9ca3af"/>'
    '<stop offset="1" stop-color="#9ca3af" stop-opacity="0"/></linearGradient></defs>'
)


def _frame(lanes_: Sequence[Lane], start: str, end: str, w: _Words, heading: bool) -> _Frame:
    label_w = _label_width([printable(w.name(lane.proposal)) for lane in lanes_])
    return _Frame(_Scale(start, end, label_w), label_w, TOP + (HEADING if heading else 0), end)


def svg(
    lanes_: Sequence[Lane],
    start: str,
    end: str,
    on: str | None = None,
    title: str = DEFAULT_TITLE,
    *,
    names: Mapping[str, str] = NO_NAMES,
    words: Callable[[str], str] = _same,
    heading: bool = True,
) -> str:
    """The timeline as one standalone SVG document (with ``title`` shown on top when ``heading``).

    ``names`` maps slugs (proposals, actors) to display names; ``words`` turns an EDTF date into words.
    """
    w = _Words(names, words)
    f = _frame(lanes_, start, end, w, heading)
    bottom = f.top + len(lanes_) * LANE_H
    legend, legend_h = _legend(bottom + 26, f.width)
    height = bottom + 26 + legend_h + 12
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{f.width}" height="{height}" '
        f'viewBox="0 0 {f.width} {height}" role="img" aria-label="{_x(title)}">',
        f"<title>{_x(title)}</title><style>{_STYLE}</style>",
        _HATCH,
    ]
    if heading:
        out.append(f'<text class="heading" x="10" y="24">{_x(title)}</text>')
    for day, label in _ticks(start, end):
        x = f.scale.x(day)
        out.append(
            f'<g class="tick"><line x1="{x:.1f}" y1="{f.top - 8}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{f.top - 14}">{label}</text></g>'
        )
    for index, lane in enumerate(lanes_):
        out.extend(_lane(lane, index, f, w))
    if on and start <= on <= end:
        x = f.scale.x(on)
        anchor = "end" if x > f.label_w + PLOT_W * 0.8 else "start"
        out.append(
            f'<g class="on"><line class="on-line" x1="{x:.1f}" y1="{f.top - 30}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="on-label" x="{x + (4 if anchor == "start" else -4):.1f}" y="{f.top - 32}" '
            f'text-anchor="{anchor}">on {_x(words(on))}</text></g>'
        )
    out.extend(legend)
    out.append("</svg>")
    return "\n".join(out)


def _legend(y: int, width: int) -> tuple[list[str], int]:
    """The key, its items flowing onto as many rows as the width needs; returns it and its height."""
    items: list[tuple[str, float]] = []
    for status, colour in STATUS_COLOURS.items():
        items.append((f'<rect x="{{x}}" y="{{y}}" width="14" height="14" fill="{colour}"/>'
                      f'<text x="{{tx}}" y="{{ty}}">{status}</text>', 26 + 6.5 * len(status)))  # fmt: skip
    hatch = "date uncertain (earliest to latest possible day)"
    items.append((f'<rect x="{{x}}" y="{{y}}" width="28" height="14" fill="#9ca3af"/><rect x="{{x}}" y="{{y}}" '
                  f'width="28" height="14" fill="url(#hatch)"/><text x="{{tx2}}" y="{{ty}}">{hatch}</text>',
                  40 + 6.2 * len(hatch)))  # fmt: skip
    quiet = f"open, no news for {QUIET_DAYS} days"
    items.append((f'<rect x="{{x}}" y="{{y}}" width="28" height="14" fill="url(#fade-key)"/>'
                  f'<text x="{{tx2}}" y="{{ty}}">{quiet}</text>', 40 + 6.2 * len(quiet)))  # fmt: skip
    letters = [f"{letter} {kind}" for kind, letter in KIND_LETTERS.items()]
    event = "event, on the day it has certainly happened (hover: actor, dates, source); crowded ones nudged apart:"
    items.append((f'<g class="marker"><circle cx="{{cx}}" cy="{{cy}}" r="7"/><text x="{{cx}}" y="{{cty}}">F</text>'
                  f'</g><text x="{{tx}}" y="{{ty}}">{event}</text>', 26 + 6.2 * len(event)))  # fmt: skip
    items += [(f'<text x="{{x}}" y="{{ty}}">{text}</text>', 10 + 6.0 * len(text)) for text in letters]
    out, x, row = ['<g class="legend">'], 10.0, 0
    for template, item_w in items:
        if x + item_w > width - 10 and x > 10:
            x, row = 10.0, row + 1
        top = y + row * 22
        out.append(
            template.format(x=f"{x:.0f}", y=top, tx=f"{x + 19:.0f}", tx2=f"{x + 33:.0f}", ty=top + 11,
                            cx=f"{x + 7:.0f}", cy=top + 7, cty=f"{top + 10.5:.1f}")
        )  # fmt: skip
        x += item_w + 12
    out.append("</g>")
    return out, (row + 1) * 22


_PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:24px;color:#111827;line-height:1.4}"
    ".figure{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 -4px;padding:0 4px}"
    # never drawn below 3/4 of its size (12 px text stays 9 px): on a phone the picture scrolls
    ".figure svg{display:block;width:100%;min-width:{min}px;height:auto}"
    "table{border-collapse:collapse;font-size:13px;margin-top:16px;width:100%}"
    "td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}"
    ".when{white-space:nowrap}"
    # a phone: each event a small card, every cell labelled
    "@media (max-width:640px){body{margin:12px}h1{font-size:1.3em}table.events thead{display:none}"
    "table.events tr{display:block;border-bottom:1px solid #d1d5db;padding:6px 0}"
    "table.events td{display:block;border:0;padding:1px 0}"
    "table.events td::before{content:attr(data-label) ': ';font-weight:600;color:#4b5563}}"
)


def page(
    lanes_: Sequence[Lane],
    start: str,
    end: str,
    on: str | None = None,
    title: str = DEFAULT_TITLE,
    *,
    names: Mapping[str, str] = NO_NAMES,
    words: Callable[[str], str] = _same,
) -> str:
    """A self-contained HTML page: ``title`` as its title and heading, the SVG (scrolling sideways
    on a narrow screen), then every event listed; no script, no network (a CSP forbids it)."""
    body = svg(lanes_, start, end, on, title, names=names, words=words, heading=False)
    width = int(body.split('width="', 1)[1].split('"', 1)[0])
    style = _PAGE_STYLE.replace("{min}", str(width * 3 // 4))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_x(title)}</title><style>{style}</style>"
        f"</head><body><h1>{_x(title)}</h1><p>{len(lanes_)} proposal(s), {_x(words(start))} to {_x(words(end))}. "
        "Hover a marker for the event's actor, dates and source; every event is also listed below.</p>\n"
        f'<div class="figure">{body}</div>\n{_events(lanes_, _Words(names, words))}\n</body></html>\n'
    )


def _events(lanes_: Sequence[Lane], w: _Words) -> str:
    """Every event in order of date, for readers who cannot hover (touch screens, screen readers)."""
    order = {lane.proposal: i for i, lane in enumerate(lanes_)}
    marks = [(m.earliest, m.latest, order[lane.proposal], lane, m) for lane in lanes_ for m in lane.marks]
    rows = []
    for _, _, _, lane, m in sorted(marks, key=lambda t: t[:3]):
        source = _x(m.source or "-")
        if m.url:
            source = f'<a href="{_x(m.url)}" rel="noreferrer">{source}</a>'
        cells = (
            ("date", _x(w.words(m.occurred)), ' class="when"'),
            ("proposal", _x(w.name(lane.proposal)), ""),
            ("kind", _x(m.kind), ""),
            ("actor", _x(w.who(m)), ""),
            ("note", _x(m.note or "-"), ""),
            ("first source", source, ""),
        )
        tds = "".join(f'<td data-label="{label}"{extra}>{cell}</td>' for label, cell, extra in cells)
        rows.append(f'<tr class="event-row">{tds}</tr>')
    head = "".join(f"<th>{h}</th>" for h in ("date", "proposal", "kind", "actor", "note", "first source"))
    return f'<table class="events"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def text(
    lanes_: Sequence[Lane],
    start: str,
    end: str,
    on: str | None = None,
    width: int = 60,
    *,
    names: Mapping[str, str] = NO_NAMES,
) -> str:
    """A compact strip per proposal: one character per slice of days.

    Upper-case letter = status; lower-case = that status while some event's date is uncertain;
    ``?`` = an event may have happened but nothing is certain yet; ``.`` = nothing yet.
    """
    if not lanes_:
        return "(no proposal has any event to draw)"
    scale = _Scale(start, end, 0)
    labels = [names.get(lane.proposal, lane.proposal) for lane in lanes_]
    label = max((len(n) for n in labels), default=8)
    lines = [f"{'':{label}}  {start}{end:>{width - len(start)}}"]
    for lane, name in zip(lanes_, labels, strict=True):
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
        lines.append(f"{name:<{label}}  {''.join(cells)}")
    if on and start <= on <= end:
        col = (date.fromisoformat(on).toordinal() - scale.start) * width // scale.days
        lines.append(f"{'':{label}}  {' ' * col}^ on {on}")
    key = "  ".join(f"{letter} {status}" for status, letter in STATUS_LETTERS.items())
    lines.append(f"{key}; lower case: an event's date is uncertain then; ? may have begun")
    return printable_lines(lines)
