"""Replay: the three time questions as filters over the log, then the fold.

- ``as_recorded`` (transaction time) cuts the log to what this tracker had recorded by T,
  and corrections recorded by then are applied (``effective``);
- ``known_by`` (publication time) keeps events whose ``reported`` day is on or before D;
- ``on`` (valid time) keeps events whose ``occurred`` day is on or before D.
An event whose interval straddles a cut-off is neither counted nor dropped: it is listed as
uncertain. Certain events are folded in order of ``occurred`` (earliest day, latest day,
then kind and id, so the answer does not depend on the order of appending).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Protocol, TypeVar

from tracker.core.dates import Bounds, bounds
from tracker.core.events import Amended, Event, Retracted
from tracker.core.reducer import apply
from tracker.core.state import ProposalState, Value, empty

KIND_RANK = {
    "floated": 0,
    "considering": 1,
    "accepted": 2,
    "rejected": 2,
    "denied": 3,
    "reversed": 4,
    "withdrawn": 5,
    "collapsed": 6,
    "retracted": 7,
    "amended": 7,
}


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the store holds it: its place in the log and its parsed date bounds."""

    seq: int
    recorded_at: str
    event: Event
    occurred: Bounds
    reported: Bounds | None

    @classmethod
    def of(cls, seq: int, recorded_at: str, event: Event) -> Recorded:
        """Wrap an event with its log position, parsing its dates (cached)."""
        reported = bounds(event.reported) if event.reported is not None else None
        return cls(seq, recorded_at, event, bounds(event.occurred), reported)

    @property
    def id(self) -> str:
        """The event id."""
        return self.event.event_id

    @property
    def order(self) -> tuple[str, str, int, str]:
        """Valid-time replay order, independent of the order of appending."""
        return (self.occurred.earliest, self.occurred.latest, KIND_RANK[self.event.type], self.id)


@dataclass(frozen=True, slots=True)
class Question:
    """Which picture is asked for; None on an axis means no cut-off there."""

    on: str | None = None
    known_by: str | None = None
    as_recorded: str | None = None


class Answer(Value):
    """The state of one proposal for a question, and the events that may also count."""

    proposal: str
    state: ProposalState
    uncertain: tuple[str, ...] = ()


def retracted_ids(log: Sequence[Recorded]) -> set[str]:
    """Ids cancelled by a retraction that is not itself retracted (the log in append order)."""
    cancelled: set[str] = set()
    for rec in reversed(log):
        if rec.id not in cancelled and isinstance(rec.event, Retracted):
            cancelled.add(rec.event.target)
    return cancelled


def effective(records: Iterable[Recorded], as_recorded: str | None = None) -> list[Recorded]:
    """The world events of the log as recorded by ``as_recorded``, corrections applied.

    A retracted event is dropped (a retraction that is itself retracted has no effect); an
    amended event is replaced by its latest surviving correction, keeping its id and place.
    """
    log = [r for r in records if as_recorded is None or r.recorded_at <= as_recorded]
    cancelled = retracted_ids(log)
    replacements: dict[str, Recorded] = {}
    for rec in log:
        if rec.id not in cancelled and isinstance(rec.event, Amended):
            fixed = rec.event.replacement.model_copy(update={"id": rec.event.target})
            replacements[rec.event.target] = Recorded.of(rec.seq, rec.recorded_at, fixed)
    out = []
    for rec in log:
        if rec.id in cancelled or isinstance(rec.event, Retracted | Amended):
            continue
        replaced = replacements.get(rec.id)
        out.append(rec if replaced is None else Recorded.of(rec.seq, rec.recorded_at, replaced.event))
    return out


def _place(low: str, high: str, cut: str | None) -> int:
    """1 if certainly on or before the cut-off, 0 if it straddles it, -1 if after."""
    if cut is None or high <= cut:
        return 1
    return 0 if low <= cut else -1


def classify(rec: Recorded, question: Question) -> int:
    """1 certain, 0 uncertain, -1 excluded, for the ``on`` and ``known_by`` axes."""
    on = _place(rec.occurred.earliest, rec.occurred.latest, question.on)
    if question.known_by is None:
        return on
    if rec.reported is None:
        return -1
    known = _place(rec.reported.earliest, rec.reported.latest, question.known_by)
    return min(on, known)


def fold(proposal: str, records: Iterable[Recorded]) -> ProposalState:
    """Fold certain events of one proposal in valid-time order."""
    state = empty(proposal)
    for rec in sorted(records, key=lambda r: r.order):
        state = apply(state, rec.event)
    return state


class Placed(Protocol):
    """What ``partition`` needs of a record: its replay order and its id."""

    @property
    def order(self) -> tuple[str, str, int, str]: ...

    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Placed)


def partition(records: Iterable[R], place: Callable[[R], int]) -> tuple[list[R], list[R]] | None:
    """Split records into certain ones and uncertain ones (in replay order); None if neither."""
    certain: list[R] = []
    uncertain: list[R] = []
    for rec in records:
        where = place(rec)
        if where == 1:
            certain.append(rec)
        elif where == 0:
            uncertain.append(rec)
    if not certain and not uncertain:
        return None
    uncertain.sort(key=lambda r: r.order)
    return certain, uncertain


def answer_one(proposal: str, records: Iterable[Recorded], question: Question) -> Answer | None:
    """The answer for one proposal from its own (effective) records; None if nothing by then."""
    split = partition(records, lambda rec: classify(rec, question))
    if split is None:
        return None
    certain, uncertain = split
    return Answer(proposal=proposal, state=fold(proposal, certain), uncertain=tuple(r.id for r in uncertain))


def answer(records: Iterable[Recorded], question: Question) -> list[Answer]:
    """Answers for every proposal in the records, sorted by proposal slug."""
    live = effective(records, question.as_recorded)
    live.sort(key=lambda r: r.event.proposal)
    out = []
    for proposal, group in groupby(live, key=lambda r: r.event.proposal):
        result = answer_one(proposal, group, question)
        if result is not None:
            out.append(result)
    return out


def steps(proposal: str, records: Iterable[Recorded]) -> Iterator[tuple[Recorded, ProposalState, ProposalState]]:
    """Each certain event of one proposal with the state before and after it (for audits)."""
    state = empty(proposal)
    for rec in sorted(records, key=lambda r: r.order):
        after = apply(state, rec.event)
        yield rec, state, after
        state = after
