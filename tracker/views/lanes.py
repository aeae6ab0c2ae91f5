"""The timeline's data: a swim lane per proposal (status segments over valid time, an event mark
each), the lanes' order of first event, and where a still-open proposal's story went quiet.

Pure; drawn by ``tracker.views.timeline`` (which re-exports these names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from itertools import groupby

from tracker.core.dates import MAX_DAY, MIN_DAY, bounds
from tracker.core.replay import Question, Record, classify, effective, fold
from tracker.core.segments import Segment, status_intervals
from tracker.core.value import Value

QUIET_DAYS = 90
"""After this many days without an event, a still-open proposal's bar fades ("no news since")."""
OPEN = frozenset({"floated", "considering", "countered"})
"""Statuses of a proposal still on the table, not agreed: the ones that can go quiet. Agreements
(agreed, in force, suspended) keep their bars; a closed story (rejected, expired, ...) is final."""


class Mark(Value):
    """One event on a lane: where it may fall (earliest..latest day), what hover and the list show."""

    id: str
    kind: str
    actor: str
    person: str | None
    occurred: str
    reported: str | None
    earliest: str
    latest: str
    source: str | None
    url: str | None = None
    note: str | None = None


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
        kind=event["type"],
        actor=event["actor"],
        person=event.get("person"),
        occurred=event["occurred"],
        reported=event.get("reported"),
        earliest=rec.occurred.earliest,
        latest=rec.occurred.latest,
        source=f'{src["outlet"]}, "{src["title"]}", {src["published"]}' if src else None,
        url=src.get("url") if src else None,
        note=event.get("note"),
    )


def first_day(lane: Lane) -> str:
    """The earliest day any of the lane's events may have happened (MAX_DAY for a lane without any)."""
    return min((m.earliest for m in lane.marks), default=MAX_DAY)


def lanes(records: Iterable[Record], question: Question, proposals: Sequence[str] = ()) -> list[Lane]:
    """One lane per proposal for a question's log (all in order of slug, or those named in that order)."""
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


def by_first_event(lanes_: Iterable[Lane]) -> list[Lane]:
    """Lanes in order of their first event (then of slug): a picture that reads top to bottom as
    the story went (``tracker timeline`` draws all lanes so; named ones keep the order asked)."""
    return sorted(lanes_, key=lambda lane: (first_day(lane), lane.proposal))


def last_news(lane: Lane) -> Mark | None:
    """The lane's last event when its story is still open at the end (status in ``OPEN``), else None:
    the event after which nothing more was heard. Its day is the last it may have happened."""
    final = lane.intervals[-1] if lane.intervals else None
    if final is None or final.valid_to is not None or final.status not in OPEN:
        return None
    dated = [m for m in lane.marks if m.latest < MAX_DAY]
    return max(dated, key=lambda m: m.latest, default=None)


def quiet_from(lane: Lane) -> str | None:
    """The day a still-open proposal's bar starts to fade: ``QUIET_DAYS`` after its last news."""
    last = last_news(lane)
    if last is None:
        return None
    try:
        return (date.fromisoformat(last.latest) + timedelta(days=QUIET_DAYS)).isoformat()
    except OverflowError:  # news near the end of the calendar: never quiet
        return None


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
