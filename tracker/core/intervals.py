"""Intervals: one proposal's answer over each time axis, as a list of constant pieces.

For a question on a single axis the answer of ``replay.answer`` can only change where a
comparison in ``replay.classify`` (or the ``recorded_at`` cut of ``replay.effective``)
changes. On the ``on`` and ``known_by`` axes those are every bound's earliest and latest
day (an event is uncertain from its earliest day, certain from its latest); on the
``as_recorded`` axis they are the distinct recording times. Between two such breakpoints
the answer is constant, so a proposal's answers on one axis are a short list of
``Interval`` values, ``valid_from`` inclusive, ``valid_to`` exclusive (None: open).

The sweep folds through the rule book (``rules.apply``), each event about once per axis: the
certain events are kept in replay order with the state after each, and an event that becomes
certain out of order refolds from its place only. Pure: no I/O.

The stored state leaves out ``history`` (the list of transitions grows with the stream,
so keeping it per interval would grow quadratically); ``tracker history`` and ``audit``
replay it per proposal.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from tracker.core.dates import Bounds
from tracker.core.replay import Order, Record, effective, has_correction
from tracker.core.rules import CORRECTIONS, apply, breakpoints, status_at
from tracker.core.state import CHAINS, FIELDS, Chain, State, empty

Axis = Literal["on", "known_by", "as_recorded"]
AXES: tuple[Axis, ...] = ("on", "known_by", "as_recorded")


@dataclass(frozen=True, slots=True)
class Interval:
    """The answer of one proposal on one axis for every cut-off in [valid_from, valid_to)."""

    proposal: str
    axis: Axis
    valid_from: str
    valid_to: str | None
    status: str | None
    uncertain: tuple[str, ...]
    state: State


def _bounds_on(rec: Record) -> Bounds | None:
    return rec.occurred


def _bounds_known(rec: Record) -> Bounds | None:
    return rec.reported


_EVERY = 32
"""The fold keeps the state after every ``_EVERY``-th event (a refold starts at most that many
events before the event that sorts in) rather than after each one."""


class _Fold:
    """Certain events in replay order, the state after all of them, and checkpoints: the state
    after every ``_EVERY``-th event from the last place an event made certain later can still sort
    into (``settle``). An event made certain out of order refolds from the checkpoint before it.

    Keeping the state after every event, as this once did, is quadratic in a stream whose state
    grows with it (a stance per actor: 10,000 events in one proposal took gigabytes); these
    checkpoints hold at most one state in ``_EVERY`` of the events not yet settled.
    """

    def __init__(self, proposal: str) -> None:
        self.proposal = proposal
        self.keys: list[Order] = []
        self.records: list[Record] = []
        self.state: State = empty(proposal)
        """The state after every certain event."""
        self._at: list[int] = [0]  # checkpoint i: the state after the first _at[i] events
        self._states: list[State] = [self.state]

    def add(self, recs: Sequence[Record]) -> None:
        """Make these events certain: fold them on, or refold from the checkpoint before the first that sorts in."""
        end = len(self.keys)
        first = end
        for rec in recs:
            at = bisect_left(self.keys, rec.order)
            self.keys.insert(at, rec.order)
            self.records.insert(at, rec)
            first = min(first, at)
        if first < end:
            i = bisect_right(self._at, first) - 1
            if i < 0:  # settled past it (a caller's bound was wrong): stay right, refold everything
                self._at, self._states, i = [0], [empty(self.proposal)], 0
            del self._at[i + 1 :], self._states[i + 1 :]
            first, state = self._at[i], self._states[i]
        else:
            state = self.state
        for place in range(first, len(self.records)):
            state = apply(state, self.records[place].event)
            if (place + 1) % _EVERY == 0:
                self._at.append(place + 1)
                self._states.append(state)
        self.state = state

    def replace(self, records: Sequence[Record]) -> None:
        """Make ``records`` (in replay order) the certain events, refolding from the checkpoint before
        the first that differs: a correction changes the log from its target on, not from the start."""
        same = 0
        for new, old in zip(records, self.records, strict=False):
            if new is not old and (new.order != old.order or new.event != old.event):
                break
            same += 1
        self.keys, self.records = [r.order for r in records], list(records)
        i = bisect_right(self._at, same) - 1
        if i < 0:  # settled past it: refold everything
            self._at, self._states, i = [0], [empty(self.proposal)], 0
        del self._at[i + 1 :], self._states[i + 1 :]
        state = self._states[i]
        for place in range(self._at[i], len(self.records)):
            state = apply(state, self.records[place].event)
            if (place + 1) % _EVERY == 0:
                self._at.append(place + 1)
                self._states.append(state)
        self.state = state

    def settle(self, bound: Order | None) -> None:
        """No event made certain from now on sorts before ``bound`` (None: no event comes any more):
        drop the checkpoints no refold can start from."""
        settled = len(self.keys) if bound is None else bisect_left(self.keys, bound)
        keep = bisect_right(self._at, settled) - 1
        if keep > 0:
            del self._at[:keep], self._states[:keep]


def _later_first(groups: Sequence[Sequence[Record]]) -> list[Order | None]:
    """For each index i, the earliest replay order among the records of groups i+1, i+2, ... (None: none)."""
    out: list[Order | None] = [None] * len(groups)
    low: Order | None = None
    for i in range(len(groups) - 1, -1, -1):
        out[i] = low
        for rec in groups[i]:
            if low is None or rec.order < low:
                low = rec.order
    return out


def _same_chain(a: object, b: object) -> bool:
    """Two persistent lists equal, walked without recursion (tuple equality recurses once per link
    and overflowed the stack on a stream of a few thousand warnings)."""
    while a is not b:
        if not (isinstance(a, Chain) and isinstance(b, Chain)):
            return a == b
        if a.size != b.size or a.item != b.item:
            return False
        a, b = a.parent, b.parent
    return True


def same_state(a: State, b: State) -> bool:
    """Whether two states are equal (their growing lists compared link by link)."""
    if a is b:
        return True
    return all(
        _same_chain(a[name], b[name]) if name in CHAINS else a[name] == b[name]  # type: ignore[literal-required]
        for name in FIELDS
    )


def _merged(pieces: Iterable[Interval]) -> Iterator[Interval]:
    """The pieces in order, each merged into the one before when the answer is the same; a piece
    is passed on as soon as the next cannot merge into it (the caller may pack it and let it go)."""
    last: Interval | None = None
    for piece in pieces:
        if (
            last is not None
            and last.valid_to == piece.valid_from
            and last.status == piece.status
            and last.uncertain == piece.uncertain
            and same_state(last.state, piece.state)
        ):
            last = Interval(
                last.proposal, last.axis, last.valid_from, piece.valid_to, last.status, last.uncertain, last.state
            )
            continue
        if last is not None:
            yield last
        last = piece
    if last is not None:
        yield last


def sweep_days(
    proposal: str,
    axis: Axis,
    live: Sequence[Record],
    get: Callable[[Record], Bounds | None],
    since: str | None = None,
    maybe: Sequence[Record] = (),
) -> list[Interval]:
    """Intervals over a day axis: certain once latest <= D, uncertain while earliest <= D < latest.

    With ``since``, only the pieces from that day on are made (the first one starting on
    it); the points before it are folded once, in order, without refolding. ``maybe`` are
    events that are uncertain from their earliest day on and never become certain (the
    timeline's events whose publication straddles its ``known_by``).
    """
    return list(_merged(_day_pieces(proposal, axis, live, get, since, maybe)))


def _day_pieces(
    proposal: str,
    axis: Axis,
    live: Sequence[Record],
    get: Callable[[Record], Bounds | None],
    since: str | None,
    maybe: Sequence[Record],
) -> Iterator[Interval]:
    placed = [(rec, b) for rec in live if (b := get(rec)) is not None]
    if not placed and not maybe:
        return
    starts: dict[str, list[Record]] = {}  # only events uncertain for a while (earliest < latest)
    ends: dict[str, list[Record]] = {}
    for rec, b in placed:
        if b.earliest != b.latest:
            starts.setdefault(b.earliest, []).append(rec)
        ends.setdefault(b.latest, []).append(rec)
    for rec in maybe:
        starts.setdefault(rec.occurred.earliest, []).append(rec)
    points = sorted(starts.keys() | ends.keys())
    fold = _Fold(proposal)
    active: dict[str, Record] = {}
    first = 0 if since is None else bisect_left(points, since)
    before: list[Record] = []
    for point in points[:first]:
        for rec in starts.get(point, ()):
            active[rec.id] = rec
        for rec in ends.get(point, ()):
            active.pop(rec.id, None)
            before.append(rec)
    later = _later_first([ends.get(point, ()) for point in points])
    fold.add(before)
    if first:
        fold.settle(later[first - 1])
    ids = _ids(active)  # recomputed only when the set of uncertain events changes
    if first and since is not None and (first == len(points) or points[first] != since):
        # the cut falls between two points: the answer there is the one of the point before
        valid_to = points[first] if first < len(points) else None
        yield from _judged(Interval(proposal, axis, since, valid_to, fold.state["status"], ids, fold.state))
    for i in range(first, len(points)):
        point = points[i]
        changed = False
        for rec in starts.get(point, ()):
            active[rec.id] = rec
            changed = True
        done = ends.get(point, ())
        for rec in done:
            if active.pop(rec.id, None) is not None:
                changed = True
        if changed:
            ids = _ids(active)
        fold.add(done)
        fold.settle(later[i])
        valid_to = points[i + 1] if i + 1 < len(points) else None
        yield from _judged(Interval(proposal, axis, point, valid_to, fold.state["status"], ids, fold.state))


def _judged(piece: Interval) -> Iterator[Interval]:
    """A piece of a day axis; on the ``on`` axis, split where a transition with no event falls
    (an agreement coming into force, expiring: ``rules.status_at``), each part with its status and
    the terms still uncertain on its days."""
    if piece.axis != "on":
        yield piece
        return
    end = piece.valid_to
    cuts = [d for d in breakpoints(piece.state) if piece.valid_from < d and (end is None or d < end)]
    edges = [piece.valid_from, *cuts, end]
    for start, end in zip(edges, edges[1:], strict=False):
        assert start is not None
        status, marks = status_at(piece.state, start)
        yield Interval(piece.proposal, "on", start, end, status, piece.uncertain + marks, piece.state)


def _ids(active: dict[str, Record]) -> tuple[str, ...]:
    return tuple(r.id for r in sorted(active.values(), key=lambda r: r.order))


def _sweep_recorded(proposal: str, records: Sequence[Record], since: str | None) -> list[Interval]:
    """Intervals over recording time: at each recording time, the effective log as of then.

    A batch without corrections only adds events, so the fold goes on; a batch with a
    retraction or an amendment refolds the effective log from the first event it changes.
    """
    batches: dict[str, list[Record]] = {}
    for rec in records:
        batches.setdefault(rec.recorded_at, []).append(rec)
    times = sorted(batches)
    fold = _Fold(proposal)  # never settled: a correction may reach back anywhere
    seen: list[Record] = []
    out: list[Interval] = []
    for i, moment in enumerate(times):
        batch = batches[moment]
        seen += batch
        if has_correction(batch):
            fold.replace(sorted(effective(seen), key=lambda r: r.order))
        else:
            fold.add(batch)
        if (since is not None and moment < since) or not fold.records:
            continue
        valid_to = times[i + 1] if i + 1 < len(times) else None
        out.append(Interval(proposal, "as_recorded", moment, valid_to, fold.state["status"], (), fold.state))
    return out


def intervals(
    proposal: str, records: Sequence[Record], axes: Sequence[Axis] = AXES, *, since: Mapping[str, str] | None = None
) -> list[Interval]:
    """Every interval of one proposal on the given axes, from its records in append order.

    ``since`` maps an axis to a cut-off: only the pieces from that cut-off on are made
    there. The pieces before it do not change when a batch brings no correction and
    nothing earlier on that axis (a new batch is always recorded last).
    """
    return list(each_interval(proposal, records, axes, since=since))


def each_interval(
    proposal: str, records: Sequence[Record], axes: Sequence[Axis] = AXES, *, since: Mapping[str, str] | None = None
) -> Iterator[Interval]:
    """``intervals``, one piece at a time: a caller that packs each piece as it comes (the store)
    holds one state at a time, not one per piece."""
    since = since or {}
    live = effective(records) if "on" in axes or "known_by" in axes else []
    if "on" in axes:
        yield from _merged(_day_pieces(proposal, "on", live, _bounds_on, since.get("on"), ()))
    if "known_by" in axes:
        yield from _merged(_day_pieces(proposal, "known_by", live, _bounds_known, since.get("known_by"), ()))
    if "as_recorded" in axes:
        yield from _sweep_recorded(proposal, records, since.get("as_recorded"))


def extend(
    on: Interval | None, known: Interval | None, recorded_from: str | None, recs: Sequence[Record]
) -> dict[Axis, tuple[str, list[Interval]]] | None:
    """How each axis's last piece changes when a batch's new events come after everything.

    The common append: developments reported as the story goes on, each later than every
    event of its proposal before it. When an event (not a correction) starts after the last
    breakpoint of the ``on`` axis and that axis ends with every event certain, every earlier
    event precedes it in replay order and none changes certainty again, so the answer from
    its earliest day on is the last state with it applied (uncertain until its latest day):
    nothing is refolded and the stream is not read. The same holds on ``known_by`` for its
    report (an event without one leaves that axis as it is), event after event, and on
    ``as_recorded`` from the batch's recording time, where the state is the last ``on`` one
    (everything recorded, all certain).

    ``on`` and ``known`` are the last pieces of those axes (``known`` is needed only when an
    event has a report), ``recorded_from`` where the last ``as_recorded`` piece starts, and
    ``recs`` the batch's new events of this proposal in append order. Returns, per axis that
    changes, where its last stored piece now ends and the pieces after it; None whenever a
    condition fails: the caller then recomputes from the stream (``intervals``).
    """
    if on is None or recorded_from is None or not recs:
        return None
    moment = recs[0].recorded_at
    if recorded_from >= moment or any(r.recorded_at != moment for r in recs):
        return None  # the same recording time as the last batch: the batches merge there
    out: dict[Axis, tuple[str, list[Interval]]] = {}
    orders = {r.id: r.order for r in recs}
    for rec in recs:
        if rec.event["type"] in CORRECTIONS:
            return None
        on = _fold_in(out, on, rec.occurred, rec, orders)
        if on is None:
            return None
        if rec.reported is not None:
            known = _fold_in(out, known, rec.reported, rec, orders)
            if known is None:
                return None
    out["as_recorded"] = (moment, [Interval(on.proposal, "as_recorded", moment, None, on.status, (), on.state)])
    return out


def _fold_in(
    out: dict[Axis, tuple[str, list[Interval]]],
    last: Interval | None,
    when: Bounds,
    rec: Record,
    orders: Mapping[str, tuple[str, str, int, str]],
) -> Interval | None:
    """Add ``rec`` after ``last``, its axis's last piece, to ``out``; the new last piece, or None if not after it.

    ``rec`` may start on the day ``last`` starts when ``last`` is this batch's and folds an
    event ``rec`` follows in replay order (two developments on one day): ``last`` is then
    replaced. A stored last piece must start before ``rec``: which event it folded last, and
    where that one sorts, is not known without the stream.
    """
    if last is None or last.valid_to is not None or last.uncertain or last.valid_from > when.earliest:
        return None
    if breakpoints(last.state):  # an agreement: its pieces also change with no event (recompute)
        return None
    ours = last.axis in out
    tie = last.valid_from == when.earliest
    state = last.state
    if tie and not (ours and rec.order > orders[str(state["last_event"])]):
        return None
    folded = apply(state, rec.event)
    if breakpoints(folded):
        return None
    p, axis, after = last.proposal, last.axis, folded
    new = []
    if when.earliest != when.latest:
        new.append(Interval(p, axis, when.earliest, when.latest, last.status, (rec.id,), last.state))
    new.append(Interval(p, axis, when.latest, None, folded["status"], (), after))
    if ours:  # ``last`` is this batch's: it now ends where ``rec`` starts, or gives way to it
        pieces = out[axis][1]
        if tie:
            pieces.pop()
        else:
            pieces[-1] = replace(pieces[-1], valid_to=when.earliest)
        pieces += new
    else:
        out[axis] = (when.earliest, new)
    return new[-1]
