"""A proposal's story: its events in valid-time order, each with what it changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tracker.core.replay import Record, effective, steps
from tracker.core.value import Value


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
    changes: tuple[Mapping[str, str | None], ...]  # each a ``state.Transition``
    status: str | None
    source: str | None


def story(proposal: str, records: Iterable[Record], as_recorded: str | None = None) -> list[HistoryEntry]:
    """Every effective event of one proposal (recorded by ``as_recorded``) in replay order, with its changes."""
    out = []
    for rec, _, after, changes in steps(proposal, effective(records, as_recorded)):
        e = rec.event
        src = e["sources"][0] if e.get("sources") else None
        out.append(
            HistoryEntry(
                seq=rec.seq,
                id=rec.id,
                occurred=e["occurred"],
                reported=e.get("reported"),
                recorded_at=rec.recorded_at,
                kind=e["type"],
                actor=e["actor"],
                person=e.get("person"),
                changes=tuple(changes),
                status=after["status"],
                source=f"{src['outlet']}: {src['title']}" if src else None,
            )
        )
    return out
