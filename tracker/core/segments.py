"""Status segments of a proposal over valid time (for the timeline and the readable tables).

The status on day D is what ``replay.answer_one`` says for ``--on D``: only events certainly
over by D are folded; those whose span straddles D "may also count". These are the pieces of
the ``on`` axis (``intervals``), with neighbours of equal status and uncertainty merged and
the open-end sentinel day left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from tracker.core.dates import MAX_DAY
from tracker.core.intervals import sweep_days
from tracker.core.replay import Question, Record, classify


@dataclass(frozen=True, slots=True)
class Segment:
    """From ``valid_from`` (inclusive) to ``valid_to`` (exclusive; None = still so), one status.

    ``uncertain`` lists the events whose date span covers the segment: they may already
    have happened, and the status does not count them yet.
    """

    proposal: str
    valid_from: str
    valid_to: str | None
    status: str | None
    uncertain: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The segment as JSON data (``uncertain`` a list)."""
        return {**asdict(self), "uncertain": list(self.uncertain)}


def merge(proposal: str, pieces: Iterable[tuple[str, str | None, str | None, tuple[str, ...]]]) -> list[Segment]:
    """Segments from ``on``-axis pieces (valid_from, valid_to, status, uncertain) in order."""
    out: list[Segment] = []
    for valid_from, valid_to, status, uncertain in pieces:
        if valid_from >= MAX_DAY:  # the sentinel of open ends: a segment never starts there
            if out:
                out[-1] = Segment(proposal, out[-1].valid_from, None, out[-1].status, out[-1].uncertain)
            continue
        end = None if valid_to is not None and valid_to >= MAX_DAY else valid_to
        last = out[-1] if out else None
        if last is not None and last.valid_to == valid_from and (last.status, last.uncertain) == (status, uncertain):
            out[-1] = Segment(proposal, last.valid_from, end, status, uncertain)
        else:
            out.append(Segment(proposal, valid_from, end, status, uncertain))
    return out


def status_intervals(proposal: str, records: Iterable[Record], question: Question | None = None) -> list[Segment]:
    """The status segments of one proposal from its effective records.

    ``question`` may carry ``known_by`` (only events public by then count, as in ``status``);
    its ``on`` is ignored (every day is asked). Segments before the first possible event are
    left out.
    """
    known = Question(known_by=(question or Question()).known_by)
    records = list(records)
    live = [r for r in records if classify(r, known) == 1]
    maybe = [r for r in records if classify(r, known) == 0]  # date of publication straddles known_by
    pieces = sweep_days(proposal, "on", live, lambda r: r.occurred, maybe=maybe)
    return merge(proposal, ((p.valid_from, p.valid_to, p.status, p.uncertain) for p in pieces))


def status_on(segments: Iterable[Segment], day: str) -> Segment | None:
    """The segment holding ``day``, if any."""
    for segment in segments:
        if segment.valid_from <= day and (segment.valid_to is None or day < segment.valid_to):
            return segment
    return None
