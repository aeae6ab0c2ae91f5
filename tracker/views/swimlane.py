"""Drawing one swim lane of the timeline in SVG: its label, status bar (fading when the story went
quiet), uncertainty hatching, scheduled end, deadlines and event markers (nudged apart when crowded).

Pure; ``tracker.views.timeline`` puts the lanes together into a picture and a page. Every string
from an event goes through ``xml_text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape
from types import MappingProxyType
from typing import NamedTuple

from tracker.core.dates import MAX_DAY
from tracker.views.lanes import Lane, Mark, last_news, quiet_from
from tracker.views.text import printable

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
"""The label column of the old fixed layout (now fitted: ``label_width``), kept for callers."""
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


def same(text: str) -> str:
    return text


def xml_text(text: str) -> str:
    """Text for SVG and HTML: terminal-``printable`` (so XML 1.0 accepts it), then escaped."""
    return escape(_NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text)))


class Wording(NamedTuple):
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


def label_width(names: Sequence[str]) -> int:
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


class Scale:
    def __init__(self, start: str, end: str, left: float = LABEL_W) -> None:
        self.start = date.fromisoformat(start).toordinal()
        self.days = max(1, date.fromisoformat(end).toordinal() + 1 - self.start)
        self.left = left

    def x(self, day: str, *, end_of_day: bool = False) -> float:
        ordinal = date.fromisoformat(day).toordinal() + (1 if end_of_day else 0) - self.start
        return self.left + PLOT_W * min(max(ordinal, 0), self.days) / self.days


def ticks(start: str, end: str) -> list[tuple[str, str]]:
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


def _title(mark: Mark, w: Wording) -> str:
    lines = [f"{mark.kind} by {w.who(mark)}", f"occurred {w.words(mark.occurred)}"]
    lines.append(f"reported {w.words(mark.reported) if mark.reported else '-'}")
    lines.append(f"source: {mark.source}" if mark.source else "source: none given")
    lines += [f"note: {mark.note}"] if mark.note else []
    lines.append(f"id: {mark.id}")
    return "\n".join(map(xml_text, lines))


class Frame(NamedTuple):
    """Where things go: the time scale, the label column, the first lane's top, the end day."""

    scale: Scale
    label_w: int
    top: int
    end: str

    @property
    def width(self) -> int:
        return self.label_w + PLOT_W + PAD


def _label(lane: Lane, top: int, f: Frame, w: Wording) -> str:
    name = w.name(lane.proposal)
    rows = label_lines(printable(name), int((f.label_w - 20) / CHAR_W))
    y0 = top + 28 - (len(rows) - 1) * 7.5
    spans = "".join(
        f'<tspan x="{f.label_w - 10}" y="{y0 + i * 15:.1f}">{xml_text(r)}</tspan>' for i, r in enumerate(rows)
    )
    return f'<text class="label"><title>{xml_text(name)}</title>{spans}</text>'


def _segments(lane: Lane, index: int, bar: tuple[float, float], f: Frame, w: Wording) -> list[str]:
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
                f"{xml_text(w.words(iv.valid_from))}{xml_text(until)}</title></rect>"
            )
        if fades and last is not None:
            out += _fade(iv.status or "floated", index, x2, bar, f, w.words(last.occurred))
    return out


def _fade(status: str, index: int, x: float, bar: tuple[float, float], f: Frame, since: str) -> list[str]:
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
        f'height="{bar_h}" fill="url(#fade-{index})"><title>{xml_text(note)}</title></rect>',
        f'<text class="quiet" x="{text_x:.1f}" y="{bar_y + bar_h / 2 + 4:.1f}" text-anchor="{anchor}">'
        f"{xml_text(note)}</text>",
    ]


def draw_lane(lane: Lane, index: int, f: Frame, w: Wording) -> list[str]:
    top = f.top + index * LANE_H
    bar_y, bar_h = top + 12, 24
    out = [f'<g class="lane" data-proposal="{xml_text(lane.proposal)}">']
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
                    f'fill="url(#hatch)"><title>{xml_text(m.kind)} by {xml_text(w.who(m))}: date uncertain, '
                    f"{xml_text(w.words(m.earliest))} to {xml_text(w.words(m.latest))}</title></rect>"
                )
    if lane.scheduled_end is not None and lane.scheduled_end < MAX_DAY:
        x = f.scale.x(lane.scheduled_end)
        out.append(
            f'<line class="scheduled-end" x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 4}" y2="{bar_y + bar_h + 4}">'
            f"<title>scheduled end: expired from {xml_text(w.words(lane.scheduled_end))}</title></line>"
        )
    for what, due in lane.deadlines:
        if due < MAX_DAY:
            x = f.scale.x(due, end_of_day=True)
            out.append(
                f'<path class="deadline" d="M{x:.1f},{bar_y + bar_h + 1} l-4,6 h8 z">'
                f"<title>deadline: {xml_text(what)}, due by {xml_text(w.words(due))}</title></path>"
            )
    out += _markers(lane, bar_y + bar_h / 2, f, w)
    out.append("</g>")
    return out


def _markers(lane: Lane, cy: float, f: Frame, w: Wording) -> list[str]:
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
            f'<g class="marker" data-event-id="{xml_text(m.id)}" data-kind="{xml_text(m.kind)}" data-day="{day}">'
            f"<title>{_title(m, w)}</title>{leader}"
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{MARKER_R}"/>'
            f'<text x="{x:.1f}" y="{cy + 3.5:.1f}">{KIND_LETTERS.get(m.kind, "?")}</text></g>'
        )
    return out
