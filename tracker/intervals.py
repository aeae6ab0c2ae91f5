"""Intervals: one proposal's answer over each time axis, as a list of constant pieces.

For a question on a single axis the answer of ``replay.answer`` can only change where a
comparison in ``replay.classify`` (or the ``recorded_at`` cut of ``replay.effective``)
changes. On the ``on`` and ``known_by`` axes those are every bound's earliest and latest
day (an event is uncertain from its earliest day, certain from its latest); on the
``as_recorded`` axis they are the distinct recording times. Between two such breakpoints
the answer is constant, so a proposal's answers on one axis are a short list of
``Interval`` values, ``valid_from`` inclusive, ``valid_to`` exclusive (None: open).

The sweep folds plain dicts (``plainfold``), each event about once per axis: the certain events are kept in replay
order with the state after each, and an event that becomes certain out of order refolds
from its place only. Pure: no I/O.

The stored state leaves out ``history`` (the list of transitions grows with the stream,
so keeping it per interval would grow quadratically); ``tracker history`` and ``audit``
replay it per proposal.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tracker import codec
from tracker.dates import Bounds
from tracker.plainfold import Plain, State, apply, effective, empty, settle, state_json
from tracker.state import ProposalState

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
    state: str


def decode_state(text: str) -> ProposalState:
    """A stored state back as a ``ProposalState`` (history empty).

    pydantic's JSON validation (in Rust) is faster here than ``json.loads`` followed by
    ``model_construct`` of the nested models (~95 us against ~150 us for a 3 kB state).
    """
    return ProposalState.model_validate_json(text)


def _bounds_on(rec: Plain) -> Bounds | None:
    return rec.occurred


def _bounds_known(rec: Plain) -> Bounds | None:
    return rec.reported


class _Fold:
    """Certain events in replay order, with the state after each (refold from a place)."""

    def __init__(self, proposal: str) -> None:
        self.proposal = proposal
        self.keys: list[tuple[str, str, int, str]] = []
        self.records: list[Plain] = []
        self.states: list[State] = []
        self._json: str | None = None

    def add(self, recs: Sequence[Plain]) -> None:
        """Make these events certain and refold from the first place that changed."""
        first = len(self.keys)
        for rec in recs:
            at = bisect_left(self.keys, rec.order)
            self.keys.insert(at, rec.order)
            self.records.insert(at, rec)
            first = min(first, at)
        del self.states[first:]
        state = self.states[-1] if self.states else self._empty()
        for rec in self.records[first:]:
            state = apply(state, rec.event)
            self.states.append(state)
        if recs:
            self._json = None

    def _empty(self) -> State:
        state = empty(self.proposal)
        del state["history"]  # not kept: see the module docstring
        return state

    @property
    def state(self) -> State:
        """The state after every certain event (its status derived: ``settle``)."""
        return settle(self.states[-1]) if self.states else self._empty()

    @property
    def json(self) -> str:
        """The stored form of the current state (cached until the next change)."""
        if self._json is None:
            self._json = state_json(self.state)
        return self._json


def _emit(out: list[Interval], piece: Interval) -> None:
    """Append a piece, merging it into the previous one when the answer is the same."""
    if out:
        last = out[-1]
        if (
            last.valid_to == piece.valid_from
            and last.status == piece.status
            and last.uncertain == piece.uncertain
            and last.state == piece.state
        ):
            out[-1] = Interval(
                last.proposal, last.axis, last.valid_from, piece.valid_to, last.status, last.uncertain, last.state
            )
            return
    out.append(piece)


def _sweep_days(
    proposal: str,
    axis: Axis,
    live: Sequence[Plain],
    get: Callable[[Plain], Bounds | None],
    since: str | None = None,
) -> list[Interval]:
    """Intervals over a day axis: certain once latest <= D, uncertain while earliest <= D < latest.

    With ``since``, only the pieces from that day on are made (the first one starting on
    it); the points before it are folded once, in order, without refolding.
    """
    placed = [(rec, b) for rec in live if (b := get(rec)) is not None]
    if not placed:
        return []
    starts: dict[str, list[Plain]] = {}  # only events uncertain for a while (earliest < latest)
    ends: dict[str, list[Plain]] = {}
    for rec, b in placed:
        if b.earliest != b.latest:
            starts.setdefault(b.earliest, []).append(rec)
        ends.setdefault(b.latest, []).append(rec)
    points = sorted(starts.keys() | ends.keys())
    fold = _Fold(proposal)
    active: dict[str, Plain] = {}
    first = 0 if since is None else bisect_left(points, since)
    before: list[Plain] = []
    for point in points[:first]:
        for rec in starts.get(point, ()):
            active[rec.id] = rec
        for rec in ends.get(point, ()):
            active.pop(rec.id, None)
            before.append(rec)
    fold.add(before)
    out: list[Interval] = []
    ids = _ids(active)  # recomputed only when the set of uncertain events changes
    if first and since is not None and (first == len(points) or points[first] != since):
        # the cut falls between two points: the answer there is the one of the point before
        valid_to = points[first] if first < len(points) else None
        _emit(out, Interval(proposal, axis, since, valid_to, fold.state["status"], ids, fold.json))
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
        valid_to = points[i + 1] if i + 1 < len(points) else None
        _emit(out, Interval(proposal, axis, point, valid_to, fold.state["status"], ids, fold.json))
    return out


def _ids(active: dict[str, Plain]) -> tuple[str, ...]:
    return tuple(r.id for r in sorted(active.values(), key=lambda r: r.order))


def _sweep_recorded(proposal: str, records: Sequence[Plain], since: str | None) -> list[Interval]:
    """Intervals over recording time: at each recording time, the effective log as of then.

    A batch without corrections only adds events, so the fold goes on; a batch with a
    retraction or an amendment refolds the effective log from the start.
    """
    batches: dict[str, list[Plain]] = {}
    for rec in records:
        batches.setdefault(rec.recorded_at, []).append(rec)
    times = sorted(batches)
    fold = _Fold(proposal)
    seen: list[Plain] = []
    out: list[Interval] = []
    for i, moment in enumerate(times):
        batch = batches[moment]
        seen += batch
        if any(r.event["type"] in ("retracted", "amended") for r in batch):
            fold = _Fold(proposal)
            fold.add(effective(seen))
        else:
            fold.add(batch)
        if (since is not None and moment < since) or not fold.records:
            continue
        valid_to = times[i + 1] if i + 1 < len(times) else None
        out.append(Interval(proposal, "as_recorded", moment, valid_to, fold.state["status"], (), fold.json))
    return out


def intervals(
    proposal: str, records: Sequence[Plain], axes: Sequence[Axis] = AXES, *, since: Mapping[str, str] | None = None
) -> list[Interval]:
    """Every interval of one proposal on the given axes, from its records in append order.

    ``since`` maps an axis to a cut-off: only the pieces from that cut-off on are made
    there. The pieces before it do not change when a batch brings no correction and
    nothing earlier on that axis (a new batch is always recorded last).
    """
    since = since or {}
    out: list[Interval] = []
    live = effective(records) if "on" in axes or "known_by" in axes else []
    if "on" in axes:
        out += _sweep_days(proposal, "on", live, _bounds_on, since.get("on"))
    if "known_by" in axes:
        out += _sweep_days(proposal, "known_by", live, _bounds_known, since.get("known_by"))
    if "as_recorded" in axes:
        out += _sweep_recorded(proposal, records, since.get("as_recorded"))
    return out


def extend(
    on: Interval | None, known: Interval | None, recorded_from: str | None, rec: Plain
) -> dict[Axis, tuple[str, list[Interval]]] | None:
    """How each axis's last piece changes when one new event comes after everything.

    The common append: a development reported as the story goes on, later than every event
    of its proposal. When ``rec`` (not a correction) starts after the last breakpoint of the
    ``on`` axis and that axis ends with every event certain, every earlier event precedes it
    in replay order and none changes certainty again, so the answer from ``rec``'s earliest
    day on is the last state with ``rec`` applied (uncertain until its latest day): nothing
    is refolded and the stream is not read. The same holds on ``known_by`` for its report
    (an event without one leaves that axis as it is) and on ``as_recorded`` from the new
    recording time, where the state is the new ``on`` one (everything recorded, all certain).

    ``on`` and ``known`` are the last pieces of those axes (``known`` is read only when
    ``rec`` has a report), ``recorded_from`` where the last ``as_recorded`` piece starts.
    Returns, per axis that changes, where its last piece now ends and the pieces after it;
    None whenever a condition fails: the caller then recomputes from the stream (``intervals``).
    """
    if rec.event["type"] in ("retracted", "amended"):
        return None
    if on is None or recorded_from is None or not _settled_before(on, rec.occurred.earliest):
        return None
    if recorded_from >= rec.recorded_at:  # the same recording time: the batches merge there
        return None
    after, status = _applied(on.state, rec)
    out: dict[Axis, tuple[str, list[Interval]]] = {"on": _tail(on, rec.occurred, rec.id, after, status)}
    if rec.reported is not None:
        if known is None or not _settled_before(known, rec.reported.earliest):
            return None
        out["known_by"] = _tail(known, rec.reported, rec.id, *_applied(known.state, rec))
    moment = rec.recorded_at
    out["as_recorded"] = (moment, [Interval(on.proposal, "as_recorded", moment, None, status, (), after)])
    return out


def _applied(state: str, rec: Plain) -> tuple[str, str | None]:
    """A stored state with one more event folded in: its stored form and its status."""
    after = settle(apply(codec.loads(state), rec.event))
    return state_json(after), after["status"]


def _settled_before(piece: Interval, day: str) -> bool:
    """The axis ends in this open piece, with every event certain, starting before ``day``."""
    return piece.valid_to is None and not piece.uncertain and piece.valid_from < day


def _tail(piece: Interval, when: Bounds, eid: str, after: str, status: str | None) -> tuple[str, list[Interval]]:
    """The last piece ends at ``when.earliest``; the event is uncertain until its latest day, then certain."""
    p, axis = piece.proposal, piece.axis
    out = []
    if when.earliest != when.latest:
        out.append(Interval(p, axis, when.earliest, when.latest, piece.status, (eid,), piece.state))
    out.append(Interval(p, axis, when.latest, None, status, (), after))
    return when.earliest, out
