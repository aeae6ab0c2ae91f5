"""Replay: the three time questions as filters over the log, then the fold of the rule book.

- ``as_recorded`` (transaction time) cuts the log to what this tracker had recorded by T,
  and corrections recorded by then are applied (``effective``);
- ``known_by`` (publication time) keeps events whose ``reported`` day is on or before D;
- ``on`` (valid time) keeps events whose ``occurred`` day is on or before D.
An event whose interval straddles a cut-off is neither counted nor dropped: it is listed as
uncertain. Certain events are folded in order of ``occurred`` (earliest day, latest day,
then kind and id, so the answer does not depend on the order of appending).
Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, NamedTuple

from tracker.core.dates import Bounds, bounds
from tracker.core.rules import CORRECTIONS, KIND_RANK, apply, breakpoints, judged, status_at
from tracker.core.state import State, Transition, as_json, empty

Order = tuple[str, str, int, str]


class Record(NamedTuple):
    """A stored event: its place in the log, its body as a dict, its date bounds and replay order.

    A named tuple: one is built per event on every append and rebuild, and a frozen
    dataclass costs several times as much to construct.
    """

    seq: int
    recorded_at: str
    event: dict[str, Any]
    occurred: Bounds
    reported: Bounds | None
    order: Order
    id: str
    """The event id (also the last part of ``order``)."""

    @classmethod
    def of(cls, seq: int, recorded_at: str, event: dict[str, Any]) -> Record:
        """Wrap a body (as stored: every default present, ``id`` and ``reported`` derived), parsing its dates."""
        reported = bounds(event["reported"]) if event.get("reported") is not None else None
        return cls.stored(seq, recorded_at, event, bounds(event["occurred"]), reported)

    @classmethod
    def stored(
        cls, seq: int, recorded_at: str, event: dict[str, Any], occurred: Bounds, reported: Bounds | None
    ) -> Record:
        """Wrap a body whose date bounds are already known (the store's columns)."""
        eid = event["id"]
        order = (occurred.earliest, occurred.latest, KIND_RANK[event["type"]], eid)
        return cls(seq, recorded_at, event, occurred, reported, order, eid)

    @property
    def proposal(self) -> str:
        """The proposal's slug."""
        return str(self.event["proposal"])

    @property
    def kind(self) -> str:
        """The event's kind."""
        return str(self.event["type"])


@dataclass(frozen=True, slots=True)
class Question:
    """Which picture is asked for; None on an axis means no cut-off there."""

    on: str | None = None
    known_by: str | None = None
    as_recorded: str | None = None
    today: str | None = None
    """The day the question is asked (UTC): an agreement's status with no ``on`` is judged on it."""
    said: tuple[tuple[str, str], ...] = ()
    """How a cut-off given as other than a plain day was read, by axis: ``("on", "end of 2024-11")``."""

    @property
    def day(self) -> str | None:
        """The day the status is judged on: ``on``, else today."""
        return self.on or self.today


@dataclass(frozen=True, slots=True)
class Answer:
    """The state of one proposal for a question (in its JSON form: ``state.as_json``), and the events
    that may also count."""

    proposal: str
    state: dict[str, Any]
    uncertain: tuple[str, ...] = ()


def has_correction(records: Iterable[Record]) -> bool:
    """Whether any of these records is a correction (a retraction or an amendment)."""
    return any(r.event["type"] in CORRECTIONS for r in records)


def retracted_ids(log: Sequence[Record]) -> set[str]:
    """Ids cancelled by a retraction that is not itself retracted (the log in append order)."""
    cancelled: set[str] = set()
    for rec in reversed(log):
        if rec.id not in cancelled and rec.event["type"] == "retracted":
            cancelled.add(rec.event["target"])
    return cancelled


def replacement(rec: Record) -> dict[str, Any]:
    """The corrected copy an ``amended`` record carries, under the id of the event it replaces."""
    return {**rec.event["replacement"], "id": rec.event["target"]}


def effective(records: Iterable[Record], as_recorded: str | None = None) -> list[Record]:
    """The world events of the log as recorded by ``as_recorded``, corrections applied.

    A retracted event is dropped (a retraction that is itself retracted has no effect); an
    amended event is replaced by its latest surviving correction, keeping its id and place.
    """
    log = [r for r in records if as_recorded is None or r.recorded_at <= as_recorded]
    cancelled = retracted_ids(log)
    replacements: dict[str, dict[str, Any]] = {}
    for rec in log:
        if rec.id not in cancelled and rec.event["type"] == "amended":
            replacements[rec.event["target"]] = replacement(rec)
    out = []
    for rec in log:
        if rec.id in cancelled or rec.event["type"] in CORRECTIONS:
            continue
        fixed = replacements.get(rec.id)
        out.append(rec if fixed is None else Record.of(rec.seq, rec.recorded_at, fixed))
    return out


def place(low: str, high: str, cut: str | None) -> int:
    """1 if certainly on or before the cut-off, 0 if it straddles it, -1 if after."""
    if cut is None or high <= cut:
        return 1
    return 0 if low <= cut else -1


def classify(rec: Record, question: Question) -> int:
    """1 certain, 0 uncertain, -1 excluded, for the ``on`` and ``known_by`` axes."""
    on = place(rec.occurred.earliest, rec.occurred.latest, question.on)
    if question.known_by is None:
        return on
    if rec.reported is None:
        return -1
    return min(on, place(rec.reported.earliest, rec.reported.latest, question.known_by))


def fold(proposal: str, records: Iterable[Record]) -> State:
    """Fold certain events of one proposal in valid-time order."""
    state = empty(proposal)
    for rec in sorted(records, key=lambda r: r.order):
        state = apply(state, rec.event)
    return state


def partition(records: Iterable[Record], where: Callable[[Record], int]) -> tuple[list[Record], list[Record]] | None:
    """Split records into certain ones and uncertain ones (in replay order); None if neither."""
    certain: list[Record] = []
    uncertain: list[Record] = []
    for rec in records:
        at = where(rec)
        if at == 1:
            certain.append(rec)
        elif at == 0:
            uncertain.append(rec)
    if not certain and not uncertain:
        return None
    uncertain.sort(key=lambda r: r.order)
    return certain, uncertain


def answer_one(proposal: str, records: Iterable[Record], question: Question) -> Answer | None:
    """The answer for one proposal from its own (effective) records; None if nothing by then."""
    split = partition(records, lambda rec: classify(rec, question))
    if split is None:
        return None
    certain, uncertain = split
    state, marks = judged(as_json(fold(proposal, certain)), question.day, question.known_by)
    return Answer(proposal, state, tuple(r.id for r in uncertain) + marks)


def answer(records: Iterable[Record], question: Question) -> list[Answer]:
    """Answers for every proposal in the records, sorted by proposal slug."""
    live = effective(records, question.as_recorded)
    live.sort(key=lambda r: r.event["proposal"])
    out = []
    for proposal, group in groupby(live, key=lambda r: r.event["proposal"]):
        result = answer_one(proposal, group, question)
        if result is not None:
            out.append(result)
    return out


class Derived(NamedTuple):
    """A transition with no event: on ``day`` the status went from ``before`` to ``after`` because of
    ``term`` (``<event>#effective``: it came into force; ``<event>#ends``: its scheduled end passed)."""

    day: str
    before: str | None
    after: str | None
    term: str

    def transition(self) -> Transition:
        """The change it made, as the rules report theirs."""
        return {"event": self.term, "type": "derived", "actor": "-", "field": "status", "before": self.before,
                "after": self.after}  # fmt: skip


def derived(state: State, after: str, until: str | None) -> list[Derived]:
    """The transitions with no event of a state on the days in (``after``, ``until``], in order."""
    out: list[Derived] = []
    if until is None:
        return out
    source = state["terms_by"] or state["agreed_by"]
    start = state["start"] or ()
    previous = status_at(state, after)[0]
    for day in breakpoints(state):
        if after < day <= until:
            now = status_at(state, day)[0]
            if now != previous:
                out.append(Derived(day, previous, now, f"{source}#{'effective' if day in start else 'ends'}"))
            previous = now
    return out


def timeline(
    proposal: str, records: Iterable[Record], day: str | None
) -> Iterator[tuple[Record, State, State, list[Transition], str | None] | Derived]:
    """``steps`` with each event's status judged on its (latest) day, and between the events, up to
    ``day`` (the day asked: ``on``, else today), the transitions with no event (``Derived``); one on
    the day of the next event comes before it."""
    ordered = sorted(records, key=lambda r: r.order)
    for i, (rec, before, after, changes) in enumerate(steps(proposal, ordered)):
        at = rec.occurred.latest if day is None else min(rec.occurred.latest, day)
        yield rec, before, after, changes, status_at(after, at)[0] if day is not None else after["status"]
        upto = ordered[i + 1].occurred.earliest if i + 1 < len(ordered) else None
        if day is not None:
            for d in derived(after, at, day if upto is None else min(upto, day)):
                if d.day == upto and _settled(after, ordered[i + 1 :], d.day) != d.after:
                    continue  # the events of that day undo it (an extension on the last day: no gap)
                yield d


def _settled(state: State, later: Sequence[Record], day: str) -> str | None:
    """The status at the end of ``day`` once the later events certainly over by then are folded in."""
    for rec in later:
        if rec.occurred.earliest > day:
            break
        if rec.occurred.latest <= day:
            state = apply(state, rec.event)
    return status_at(state, day)[0]


def steps(proposal: str, records: Iterable[Record]) -> Iterator[tuple[Record, State, State, list[Transition]]]:
    """Each certain event of one proposal with the state before and after it, and what it changed."""
    state = empty(proposal)
    for rec in sorted(records, key=lambda r: r.order):
        changes: list[Transition] = []
        after = apply(state, rec.event, changes)
        yield rec, state, after, changes
        state = after
