"""Diffs: what changed in a proposal's state between two cut-offs on one time axis, and by which events.

On the ``on`` and ``known-by`` axes, the events that moved are those whose place changed
between the two questions (not yet -> uncertain -> counted). On the ``as-recorded`` axis,
they are the rows recorded between the two instants (corrections included). A field change
is attributed to the field's origins (see ``provenance``) at either cut-off that moved
between them, or to the corrections of those origins recorded in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import groupby
from typing import Any, Literal

from tracker.core.provenance import provenance
from tracker.core.replay import Question, Record, classify, effective
from tracker.core.rules import CORRECTIONS
from tracker.core.value import Value

Axis = Literal["on", "known-by", "as-recorded"]
PLACES = {1: "counted", 0: "uncertain", -1: "not yet"}


class FieldChange(Value):
    """A field whose value differs between the two cut-offs."""

    field: str
    before: str | None
    after: str | None
    by: tuple[str, ...]


class EventChange(Value):
    """An event whose place differs between the two cut-offs."""

    seq: int
    id: str
    type: str
    actor: str
    occurred: str
    reported: str | None
    recorded_at: str
    before: str
    after: str


class ProposalDiff(Value):
    """The changes of one proposal."""

    proposal: str
    changes: tuple[FieldChange, ...]
    events: tuple[EventChange, ...]


class Diff(Value):
    """Every proposal that changed between ``start`` and ``end`` on ``axis``."""

    axis: Axis
    start: str
    end: str
    on: str | None = None
    known_by: str | None = None
    as_recorded: str | None = None
    proposals: tuple[ProposalDiff, ...]


FIELDS = {"on": "on", "known-by": "known_by", "as-recorded": "as_recorded"}


def cut(axis: Axis, moment: str, base: Question | None = None) -> Question:
    """The question asking for the picture at one cut-off on an axis (other axes as in ``base``)."""
    moved: dict[str, Any] = {FIELDS[axis]: moment}
    return replace(base or Question(), **moved)


def _change(rec: Record, before: str, after: str) -> EventChange:
    e = rec.event
    return EventChange(
        seq=rec.seq,
        id=rec.id,
        type=e["type"],
        actor=e["actor"],
        occurred=e["occurred"],
        reported=e.get("reported"),
        recorded_at=rec.recorded_at,
        before=before,
        after=after,
    )


def _moved(records: list[Record], axis: Axis, start: str, end: str, base: Question) -> list[EventChange]:
    if axis == "as-recorded":
        low, high = sorted((start, end))
        was, now = ("not recorded", "recorded") if start <= end else ("recorded", "not recorded")
        return [_change(r, was, now) for r in records if low < r.recorded_at <= high]
    q1, q2 = cut(axis, start, base), cut(axis, end, base)
    out = []
    for rec in sorted(effective(records, base.as_recorded), key=lambda r: r.order):
        before, after = classify(rec, q1), classify(rec, q2)
        if before != after:
            out.append(_change(rec, PLACES[before], PLACES[after]))
    return out


def diff_one(
    proposal: str, records: Iterable[Record], axis: Axis, start: str, end: str, base: Question | None = None
) -> ProposalDiff | None:
    """The diff of one proposal (records: its whole log); None if nothing changed."""
    records = list(records)
    base = base or Question()
    old = provenance(proposal, records, cut(axis, start, base))
    new = provenance(proposal, records, cut(axis, end, base))
    old_values, new_values = old.values(), new.values()
    old_origins, new_origins = old.origins(), new.origins()
    moved = _moved(records, axis, start, end, base)
    moved_ids = {e.id for e in moved}
    fixes: dict[str, list[str]] = {}  # corrected event -> the corrections among the moved events
    for r in records:
        if r.id in moved_ids and r.event["type"] in CORRECTIONS:
            fixes.setdefault(r.event["target"], []).append(r.id)
    changes = []
    for name in dict.fromkeys([*old_values, *new_values]):
        before, after = old_values.get(name), new_values.get(name)
        if before == after:
            continue
        was, now = old_origins.get(name, ()), new_origins.get(name, ())
        # the origins that moved or were corrected in between; else the new origins
        by = [j for i in dict.fromkeys([*now, *was]) for j in ([i] if i in moved_ids else []) + fixes.get(i, [])]
        by = by or [i for i in now if i not in was]
        changes.append(FieldChange(field=name, before=before, after=after, by=tuple(by)))
    if not changes and not moved:
        return None
    return ProposalDiff(proposal=proposal, changes=tuple(changes), events=tuple(moved))


def diff(records: Iterable[Record], axis: Axis, start: str, end: str, base: Question | None = None) -> Diff:
    """The diff of every proposal in the records (sorted by slug) between two cut-offs.

    ``base`` holds the cut-offs of the other two axes (``--on`` fixed while ``--as-recorded``
    moves, say); its value on ``axis`` itself is ignored.
    """
    ordered = sorted(records, key=lambda r: (r.proposal, r.seq))
    out = []
    for proposal, group in groupby(ordered, key=lambda r: r.proposal):
        one = diff_one(proposal, group, axis, start, end, base)
        if one is not None:
            out.append(one)
    fixed = base or Question()
    return Diff(
        axis=axis,
        start=start,
        end=end,
        on=fixed.on if axis != "on" else None,
        known_by=fixed.known_by if axis != "known-by" else None,
        as_recorded=fixed.as_recorded if axis != "as-recorded" else None,
        proposals=tuple(out),
    )
