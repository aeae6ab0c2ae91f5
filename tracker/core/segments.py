"""Status segments of a proposal over valid time, from the replay (for the timeline and the readable tables).

The status on day D is what ``replay.answer_one`` says for ``--on D``: only events certainly
over by D are folded; those whose span straddles D "may also count". Both only change on the
days where an event's earliest or latest possible day falls (its breakpoints), so asking the
replay at each breakpoint gives every interval exactly. To stay near-linear on long streams
the certain events are folded incrementally (a late-sorting event refolds only from its place).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from tracker.core.dates import MAX_DAY
from tracker.core.reducer import apply
from tracker.core.replay import Question, Recorded, classify
from tracker.core.state import ProposalState, Status, Value, empty


class Interval(Value):
    """From ``valid_from`` (inclusive) to ``valid_to`` (exclusive; None = still so), one status.

    ``uncertain`` lists the events whose date span covers the interval: they may already
    have happened, and the status does not count them yet.
    """

    proposal: str
    valid_from: str
    valid_to: str | None
    status: Status | None
    uncertain: tuple[str, ...] = ()


class _Fold:
    """Certain events kept in replay order with the state after each prefix."""

    def __init__(self, proposal: str) -> None:
        self.keys: list[tuple[str, str, int, str]] = []
        self.records: list[Recorded] = []
        self.states: list[ProposalState] = [empty(proposal)]

    def add(self, batch: Iterable[Recorded]) -> None:
        """Insert records in replay order, then refold once from the earliest place touched."""
        at = len(self.records)
        for rec in batch:
            place = bisect_right(self.keys, rec.order)
            self.keys.insert(place, rec.order)
            self.records.insert(place, rec)
            at = min(at, place)
        del self.states[at + 1 :]
        for later in self.records[at:]:
            self.states.append(apply(self.states[-1], later.event))

    @property
    def state(self) -> ProposalState:
        return self.states[-1]


def status_intervals(proposal: str, records: Iterable[Recorded], question: Question | None = None) -> list[Interval]:
    """The status intervals of one proposal from its effective records.

    ``question`` may carry ``known_by`` (only events public by then count, as in ``status``);
    its ``on`` is ignored (every day is asked). Intervals before the first possible event are
    left out; consecutive days with the same status and uncertain events are merged.
    """
    base = question or Question()
    known = Question(known_by=base.known_by)
    records = list(records)
    live = [r for r in records if classify(r, known) == 1]
    maybe = [r for r in records if classify(r, known) == 0]  # date of publication straddles known_by
    if not live and not maybe:
        return []
    # A record is uncertain from its earliest day and certain from its latest day on.
    days = sorted({r.occurred.earliest for r in (*live, *maybe)} | {r.occurred.latest for r in live})
    by_certain = sorted(live, key=lambda r: r.occurred.latest)
    fold = _Fold(proposal)
    taken = 0
    out: list[Interval] = []
    for index, day in enumerate(days):
        if day >= MAX_DAY:
            break
        first = taken
        while taken < len(by_certain) and by_certain[taken].occurred.latest <= day:
            taken += 1
        if taken > first:
            fold.add(by_certain[first:taken])
        pending = [r for r in live if r.occurred.earliest <= day < r.occurred.latest]
        pending += [r for r in maybe if r.occurred.earliest <= day]
        ids = tuple(r.id for r in sorted(pending, key=lambda r: r.order))
        status = fold.state.status
        valid_to = days[index + 1] if index + 1 < len(days) and days[index + 1] < MAX_DAY else None
        if out and out[-1].status == status and out[-1].uncertain == ids:
            out[-1] = out[-1].model_copy(update={"valid_to": valid_to})
        else:
            out.append(Interval(proposal=proposal, valid_from=day, valid_to=valid_to, status=status, uncertain=ids))
    return out


def status_on(intervals: Iterable[Interval], day: str) -> Interval | None:
    """The interval holding ``day``, if any."""
    for interval in intervals:
        if interval.valid_from <= day and (interval.valid_to is None or day < interval.valid_to):
            return interval
    return None
