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

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from tracker.views.lanes import (
    OPEN,
    QUIET_DAYS,
    Lane,
    Mark,
    by_first_event,
    first_day,
    lanes,
    last_news,
    quiet_from,
    span,
)
from tracker.views.swimlane import (
    DEFAULT_TITLE,
    HEADING,
    KIND_LETTERS,
    LABEL_W,
    LANE_H,
    NO_NAMES,
    PAD,
    PLOT_W,
    STATUS_COLOURS,
    STATUS_LETTERS,
    TOP,
    Frame,
    Scale,
    Wording,
    draw_lane,
    label_width,
    same,
    spread,
    ticks,
    xml_text,
)
from tracker.views.text import lines as printable_lines
from tracker.views.text import printable

__all__ = ["DEFAULT_TITLE", "KIND_LETTERS", "LABEL_W", "LANE_H", "OPEN", "PAD", "PLOT_W", "QUIET_DAYS"]
__all__ += ["STATUS_COLOURS", "STATUS_LETTERS", "TOP", "Lane", "Mark", "by_first_event", "first_day", "lanes"]
__all__ += ["last_news"]
__all__ += ["page", "quiet_from", "span", "spread", "svg", "text"]


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


def _frame(lanes_: Sequence[Lane], start: str, end: str, w: Wording, heading: bool) -> Frame:
    label_w = label_width([printable(w.name(lane.proposal)) for lane in lanes_])
    return Frame(Scale(start, end, label_w), label_w, TOP + (HEADING if heading else 0), end)


def svg(
    lanes_: Sequence[Lane],
    start: str,
    end: str,
    on: str | None = None,
    title: str = DEFAULT_TITLE,
    *,
    names: Mapping[str, str] = NO_NAMES,
    words: Callable[[str], str] = same,
    heading: bool = True,
) -> str:
    """The timeline as one standalone SVG document (with ``title`` shown on top when ``heading``).

    ``names`` maps slugs (proposals, actors) to display names; ``words`` turns an EDTF date into words.
    """
    w = Wording(names, words)
    f = _frame(lanes_, start, end, w, heading)
    bottom = f.top + len(lanes_) * LANE_H
    legend, legend_h = _legend(bottom + 26, f.width)
    height = bottom + 26 + legend_h + 12
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{f.width}" height="{height}" '
        f'viewBox="0 0 {f.width} {height}" role="img" aria-label="{xml_text(title)}">',
        f"<title>{xml_text(title)}</title><style>{_STYLE}</style>",
        _HATCH,
    ]
    if heading:
        out.append(f'<text class="heading" x="10" y="24">{xml_text(title)}</text>')
    for day, label in ticks(start, end):
        x = f.scale.x(day)
        out.append(
            f'<g class="tick"><line x1="{x:.1f}" y1="{f.top - 8}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{f.top - 14}">{label}</text></g>'
        )
    for index, lane in enumerate(lanes_):
        out.extend(draw_lane(lane, index, f, w))
    if on and start <= on <= end:
        x = f.scale.x(on)
        anchor = "end" if x > f.label_w + PLOT_W * 0.8 else "start"
        out.append(
            f'<g class="on"><line class="on-line" x1="{x:.1f}" y1="{f.top - 30}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="on-label" x="{x + (4 if anchor == "start" else -4):.1f}" y="{f.top - 32}" '
            f'text-anchor="{anchor}">on {xml_text(words(on))}</text></g>'
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
    words: Callable[[str], str] = same,
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
        f"<title>{xml_text(title)}</title><style>{style}</style>"
        f"</head><body><h1>{xml_text(title)}</h1><p>{len(lanes_)} proposal(s), "
        f"{xml_text(words(start))} to {xml_text(words(end))}. "
        "Hover a marker for the event's actor, dates and source; every event is also listed below.</p>\n"
        f'<div class="figure">{body}</div>\n{_events(lanes_, Wording(names, words))}\n</body></html>\n'
    )


def _events(lanes_: Sequence[Lane], w: Wording) -> str:
    """Every event in order of date, for readers who cannot hover (touch screens, screen readers)."""
    order = {lane.proposal: i for i, lane in enumerate(lanes_)}
    marks = [(m.earliest, m.latest, order[lane.proposal], lane, m) for lane in lanes_ for m in lane.marks]
    rows = []
    for _, _, _, lane, m in sorted(marks, key=lambda t: t[:3]):
        source = xml_text(m.source or "-")
        if m.url:
            source = f'<a href="{xml_text(m.url)}" rel="noreferrer">{source}</a>'
        cells = (
            ("date", xml_text(w.words(m.occurred)), ' class="when"'),
            ("proposal", xml_text(w.name(lane.proposal)), ""),
            ("kind", xml_text(m.kind), ""),
            ("actor", xml_text(w.who(m)), ""),
            ("note", xml_text(m.note or "-"), ""),
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
    scale = Scale(start, end, 0)
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
