"""A proposal's story: its events in valid-time order, each with what it changed."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.core.replay import Recorded, effective, steps
from tracker.core.state import Transition, Value


class HistoryEntry(Value):
    """One event of a proposal's story, in valid-time order, with the status it left."""

    seq: int
    id: str
    occurred: str
    reported: str | None
    recorded_at: str
    kind: str
    actor: str
    person: str | None
    changes: tuple[Transition, ...]
    status: str | None
    source: str | None


def story(proposal: str, records: Iterable[Recorded], as_recorded: str | None = None) -> list[HistoryEntry]:
    """Every effective event of one proposal (recorded by ``as_recorded``) in replay order, with its changes."""
    out = []
    for rec, before, after in steps(proposal, effective(records, as_recorded)):
        src = rec.event.sources[0] if rec.event.sources else None
        out.append(
            HistoryEntry(
                seq=rec.seq,
                id=rec.id,
                occurred=rec.event.occurred,
                reported=rec.event.reported,
                recorded_at=rec.recorded_at,
                kind=rec.event.type,
                actor=rec.event.actor,
                person=rec.event.person,
                changes=after.history[len(before.history) :],
                status=after.status,
                source=f"{src.outlet}: {src.title}" if src else None,
            )
        )
    return out
